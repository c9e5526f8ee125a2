import { GraphQLBoolean, GraphQLEnumType, GraphQLFloat, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLString, type GraphQLNullableType } from 'graphql'
import type { AlertDef, AlertGroupState, Scalar } from '@twinflow/core'
import { DateTimeScalar } from './date-time-scalar.ts'

const nn = <T extends GraphQLNullableType>(t: T) => new GraphQLNonNull(t)
const list = <T extends GraphQLNullableType>(t: T) => nn(new GraphQLList(nn(t)))

/** A rule as `pipeline.alerts` lists it: its declaration, whether this deployment runs it, and its groups' states. */
export interface AlertEntry {
  rule: AlertDef
  enabled: boolean
  channels: readonly string[]
  states: readonly AlertGroupState[]
}

export const AlertStateEnum = new GraphQLEnumType({
  name: 'AlertState',
  values: {
    PENDING: { value: 'pending', description: 'The condition holds, not yet for the rule’s `for`.' },
    FIRING: { value: 'firing', description: 'The condition has held for `for`: its channels were told.' },
    RESOLVED: { value: 'resolved', description: 'It fired and no longer holds: its channels were told (kept a day).' },
  },
})

const AlertKeyType = new GraphQLObjectType<[string, Scalar]>({
  name: 'AlertKey',
  fields: { name: { type: nn(GraphQLString), resolve: ([name]) => name }, value: { type: nn(GraphQLString), resolve: ([, value]) => String(value) } },
})

const AlertGroupStateType = new GraphQLObjectType<AlertGroupState>({
  name: 'AlertGroupState',
  description: 'Where a rule stands for one group of its view (or for the total).',
  fields: {
    group: { type: list(AlertKeyType), description: 'The group’s keys; none for a rule over the total.', resolve: (s) => Object.entries(s.group) },
    state: { type: nn(AlertStateEnum), resolve: (s) => s.status },
    value: { type: GraphQLFloat, description: 'What the condition compared at the last evaluation (the measure, its change, or its z-score).' },
    activeSince: { type: nn(DateTimeScalar), description: 'When the condition began to hold.' },
    firedAt: { type: DateTimeScalar },
    resolvedAt: { type: DateTimeScalar },
    evaluatedAt: { type: nn(DateTimeScalar) },
    notifiedAt: { type: DateTimeScalar, description: 'When the last notification of this firing was made.' },
    notifications: { type: nn(GraphQLInt), description: 'Notifications made for this firing (the firing, re-notifications, the resolve).', resolve: (s) => s.sequence },
    sending: { type: nn(GraphQLBoolean), description: 'A notification is made and not yet sent to every channel.', resolve: (s) => s.outbox !== null },
  },
})

export const AlertRuleType = new GraphQLObjectType<AlertEntry>({
  name: 'AlertRule',
  description: 'An alert rule of the pipeline (`defineAlert`).',
  fields: {
    name: { type: nn(GraphQLString), resolve: (a) => a.rule.name },
    view: { type: nn(GraphQLString), resolve: (a) => a.rule.view.name },
    measure: { type: nn(GraphQLString), resolve: (a) => a.rule.measure },
    condition: { type: nn(GraphQLString), description: 'The condition in words.', resolve: (a) => a.rule.condition },
    threshold: { type: nn(GraphQLFloat), resolve: (a) => a.rule.threshold },
    enabled: { type: nn(GraphQLBoolean), description: 'Whether this deployment evaluates it (`alerts.rules`).' },
    channels: { type: list(GraphQLString), description: 'The channels it notifies.' },
    firing: { type: nn(GraphQLInt), description: 'Groups firing now.', resolve: (a) => a.states.filter((s) => s.status === 'firing').length },
    states: {
      type: list(AlertGroupStateType),
      description: 'Its groups that are pending, firing, or resolved within a day (the others are fine).',
      args: { state: { type: AlertStateEnum } },
      resolve: (a, args: { state?: string | null }) => a.states.filter((s) => !args.state || s.status === args.state),
    },
  },
})
