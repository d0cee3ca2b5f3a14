/** Every admin API path the console uses, in one place (see docs/admin-api.md, owned by ADMIN). */
const enc = encodeURIComponent;
export const routes = {
  server: '/admin/v1/server',
  whoami: '/admin/v1/whoami',
  events: '/admin/v1/events',
  connections: (limit: number, cursor: string | null) => `/admin/v1/connections?limit=${limit}${cursor ? `&cursor=${enc(cursor)}` : ''}`,
  invoke: (id: string) => `/admin/v1/connections/${enc(id)}/invoke`,
  disconnect: (id: string) => `/admin/v1/connections/${enc(id)}/disconnect`,
  connectionSubscriptions: (id: string) => `/admin/v1/connections/${enc(id)}/subscriptions`,
  subscription: (key: string) => `/admin/v1/subscriptions/${enc(key)}`,
  purgeSubscription: (key: string) => `/admin/v1/subscriptions/${enc(key)}/purge`,
  channels: '/admin/v1/channels',
  channel: (name: string) => `/admin/v1/channels/${enc(name)}`,
  security: '/admin/v1/security',
  securityOne: (name: string) => `/admin/v1/security/${enc(name)}`,
  topics: '/admin/v1/topics',
  topic: (name: string) => `/admin/v1/topics/${enc(name)}`,
  publish: (name: string) => `/admin/v1/topics/${enc(name)}/messages`,
  topicSubscriptions: (name: string) => `/admin/v1/topics/${enc(name)}/subscriptions`,
  audit: (q: { limit: number; before?: number | undefined; action?: string | undefined }) =>
    `/admin/v1/audit?limit=${q.limit}${q.before !== undefined ? `&before=${q.before}` : ''}${q.action ? `&action=${enc(q.action)}` : ''}`,
} as const;

/** http://h:p → ws://h:p/admin/v1/events (https → wss). */
export function eventsUrl(baseUrl: string): string {
  const u = new URL(routes.events, baseUrl);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}
