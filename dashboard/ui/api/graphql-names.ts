/** `revenueCents` → `REVENUE_CENTS`: the API's enum values of keys and measures (as the serving layer names them). */
export function constantCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()
}

/** `shopRevenue` → `ShopRevenue`: the prefix of a view's GraphQL type names. */
export function pascalCase(name: string): string {
  return name[0]!.toUpperCase() + name.slice(1)
}
