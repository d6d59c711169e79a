/**
 * Query depth and cost limits as validation rules, so an abusive query is refused (HTTP 400)
 * before any resolver runs. Written here rather than taken from graphql-depth-limit, which is
 * unmaintained, and because the cost rule must know which fields are expensive.
 *
 * Depth counts nested field levels (`{ a { b } }` is 2). Cost is the number of field selections,
 * aliases included, each weighing 1 unless listed in `weights`. Fragments are expanded, and
 * measured once each, so fragment re-use cannot blow up the walk. Introspection fields (`__*`)
 * are exempt: they are bounded by the schema, and switched off by configuration in production.
 */
import { GraphQLError, Kind, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  /** Cost of one selection of a field, by field name (default 1). */
  weights?: Record<string, number>;
}

interface Measure {
  depth: number;
  cost: number;
}

export function queryLimitsRule({ maxDepth, maxCost, weights = {} }: QueryLimits): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map<string, Measure>();
    const visiting = new Set<string>();

    const measure = (set: SelectionSetNode): Measure => {
      let depth = 0;
      let cost = 0;
      for (const s of set.selections) {
        let m: Measure;
        if (s.kind === Kind.FIELD) {
          if (s.name.value.startsWith('__')) continue;
          const inner = s.selectionSet ? measure(s.selectionSet) : { depth: 0, cost: 0 };
          m = { depth: inner.depth + 1, cost: inner.cost + (weights[s.name.value] ?? 1) };
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          m = measure(s.selectionSet);
        } else {
          const name = s.name.value;
          const def = context.getFragment(name);
          // Unknown and cyclic fragments are reported by graphql's own rules.
          if (!def || visiting.has(name)) continue;
          let known = fragments.get(name);
          if (!known) {
            visiting.add(name);
            known = measure(def.selectionSet);
            visiting.delete(name);
            fragments.set(name, known);
          }
          m = known;
        }
        depth = Math.max(depth, m.depth);
        cost += m.cost;
      }
      return { depth, cost };
    };

    return {
      OperationDefinition(op) {
        const { depth, cost } = measure(op.selectionSet);
        const name = op.name ? `'${op.name.value}'` : 'The operation';
        if (depth > maxDepth) {
          context.reportError(new GraphQLError(`${name} is nested ${depth} levels deep; at most ${maxDepth} are allowed`, { nodes: [op] }));
        }
        if (cost > maxCost) {
          context.reportError(new GraphQLError(`${name} costs ${cost}; at most ${maxCost} is allowed (fewer fields or aliases)`, { nodes: [op] }));
        }
        return false;
      },
    };
  };
}
