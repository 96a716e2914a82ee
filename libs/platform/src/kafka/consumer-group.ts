/**
 * A service's default consumer group: `<service>.<database name>`. One group per deployment, so
 * replicas of one deployment share partitions, while separate deployments (and test stacks, which
 * each have their own databases) each see every event.
 */
export function defaultConsumerGroupId(service: string, databaseUrl: string): string {
  return `${service}.${decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || 'default'}`;
}
