// The API reference page: Swagger UI over the server's own OpenAPI document. Served from the
// server (no CDN), as a file rather than an inline script so the same-origin CSP holds.
window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // No calls to the public validator service: the page talks to this server only.
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
