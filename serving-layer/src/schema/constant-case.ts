/** `revenueCents` → `REVENUE_CENTS`: enum value names for keys and measures. */
export function constantCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()
}

/** `shopRevenue` → `ShopRevenue`: type name prefixes for views. */
export function pascalCase(name: string): string {
  return name[0]!.toUpperCase() + name.slice(1)
}
