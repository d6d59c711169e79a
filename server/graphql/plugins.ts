import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

/**
 * The Sandbox landing page only makes sense with introspection on, so it follows the same switch;
 * when off, GET /graphql without a query is an ordinary 400.
 */
export function landingPage(introspection: boolean): ApolloServerPlugin {
  return introspection ? ApolloServerPluginLandingPageLocalDefault({ embed: true }) : ApolloServerPluginLandingPageDisabled();
}
