import { shell } from './credentials.page';
import { button, code, consolePage, curl, envPath, facts, form, h, input, link, select, table, type ConsoleContext, type Script } from './layout';

export interface EventView { id: string; event: string; data: Record<string, unknown>; created_at: string }
export interface EndpointView { id: string; endpoint_url: string; status: string; events: string[]; created_at: string }
export interface AttemptView { id: string; event_id: string; event: string; attempt: number; trigger: string; state: string; response_status_code: number | null; error: string | null; created_at: string }

/** One event row: its type, time and the full JSON behind a disclosure. */
export const eventRow = (e: EventView) => `<tr><td>${code(e.event)}</td><td>${h(e.created_at)}</td><td><details><summary>${h(e.id)}</summary><pre tabindex="0"><code>${h(JSON.stringify(e, null, 2))}</code></pre></details></td></tr>`;

export function eventsPage(ctx: ConsoleContext, p: { base: string; events: EventView[]; types: string; organizationId: string; groups: string[]; jsonUrl: string }): (nonce: string) => string {
  const filters = `<form method="get" action="${h(envPath(ctx, 'events'))}" aria-label="Filter events">${select({ name: 'group', label: 'Event group', options: [['', 'All groups (first 100 types)'], ...p.groups.map((g): [string, string] => [g, g])], value: p.types.includes(',') ? '' : p.types.split('.')[0] })}${input({ name: 'organization_id', label: 'Organization ID', required: false, value: p.organizationId })}<button type="submit" class="secondary">Filter</button></form>`;
  const rows = p.events.map(eventRow).join('');
  const tableHtml = `<div class="table" role="region" aria-label="Latest events" tabindex="0"><table><caption>Latest events, newest first</caption><thead><tr><th scope="col">Event</th><th scope="col">Created</th><th scope="col">JSON</th></tr></thead><tbody id="events">${rows}</tbody></table></div>${p.events.length ? '' : '<p class="empty" id="no-events">No event yet.</p>'}`;
  const live = `<p><label><input type="checkbox" id="live" checked> Live tail (checks every 3 s)</label> <span id="tail-status" role="status" class="hint"></span></p>`;
  // The tail asks this page's JSON twin for events after the newest shown; no script, no tail (the page still lists the latest 50).
  const script = `(function(){var url=${JSON.stringify(p.jsonUrl)};var body=document.getElementById('events');var status=document.getElementById('tail-status');var newest=${JSON.stringify(p.events[0]?.id ?? '')};
function tick(){if(!document.getElementById('live').checked)return;fetch(url+(newest?'&after='+encodeURIComponent(newest):''),{credentials:'same-origin'}).then(function(r){return r.json()}).then(function(j){if(j.rows&&j.rows.length){body.insertAdjacentHTML('afterbegin',j.rows.join(''));newest=j.newest;var n=document.getElementById('no-events');if(n)n.remove();status.textContent=j.rows.length+' new event(s)';}}).catch(function(){status.textContent='tail paused (no answer)';});}
setInterval(tick,3000);})();`;
  return (nonce) =>
    consolePage(ctx, {
      title: 'Events',
      section: 'events',
      body: `${filters}${live}${tableHtml}<script nonce="${h(nonce)}">${script}</script>`,
      scripts: [{ what: 'List events', cli: `npx wos events tail --events ${p.types.split(',').slice(0, 3).join(',')}`, curl: curl(p.base, 'GET', `/events?events=${encodeURIComponent(p.types.split(',').slice(0, 3).join(','))}&order=desc&limit=50`) }],
    });
}

export function webhooksPage(ctx: ConsoleContext, p: { base: string; endpoints: EndpointView[]; created?: EndpointView & { secret: string } }): string {
  const created = p.created ? `<section aria-labelledby="wh-h"><h2 id="wh-h">Endpoint created</h2><p>Its signing secret, shown once:</p><p class="secret">${h(p.created.secret)}</p></section>` : '';
  const rows = p.endpoints.map((w) => [link(envPath(ctx, `webhooks/${w.id}`), w.endpoint_url), h(w.status), h(w.events.join(', '))]);
  const create = form(ctx, envPath(ctx, 'webhooks'), `${input({ name: 'endpoint_url', label: 'Endpoint URL', type: 'url', placeholder: 'https://app.example.com/webhooks' })}${input({ name: 'events', label: 'Event types (comma-separated)', placeholder: 'user.created,dsync.user.created' })}${button('Create endpoint')}`, { label: 'Create a webhook endpoint' });
  return consolePage(ctx, {
    title: 'Webhooks',
    section: 'webhooks',
    body: `${created}${table('Webhook endpoints', ['URL', 'Status', 'Events'], rows, 'No endpoint.')}<h2>Create an endpoint</h2>${create}`,
    scripts: [
      { what: 'List endpoints', cli: 'npx wos webhooks list', curl: curl(p.base, 'GET', '/webhook_endpoints?limit=100') },
      p.created
        ? { what: `Create the endpoint ${p.created.endpoint_url}`, cli: `npx wos webhooks create --url ${shell(p.created.endpoint_url)} --events ${shell(p.created.events.join(','))}`, curl: curl(p.base, 'POST', '/webhook_endpoints', { endpoint_url: p.created.endpoint_url, events: p.created.events }) }
        : { what: 'Create an endpoint', cli: 'npx wos webhooks create --url https://app.example.com/webhooks --events user.created', curl: curl(p.base, 'POST', '/webhook_endpoints', { endpoint_url: 'https://app.example.com/webhooks', events: ['user.created'] }) },
    ],
  });
}

/** What the endpoint page just did: a redelivery of one event, or a replay of a time range. */
export type WebhookDone = { kind: 'redelivery'; eventId: string } | { kind: 'replay'; rangeStart: string; rangeEnd: string };

export function webhookPage(ctx: ConsoleContext, p: { base: string; endpoint: EndpointView; attempts: AttemptView[]; done: WebhookDone | null }): string {
  const w = p.endpoint;
  const rows = p.attempts.map((a) => [
    h(a.created_at), code(a.event), h(`${a.state}${a.response_status_code ? ` (${a.response_status_code})` : ''}`), h(`${a.trigger} #${a.attempt}`), h(a.error ?? ''),
    form(ctx, envPath(ctx, `webhooks/${w.id}/redeliver`), `<input type="hidden" name="event_id" value="${h(a.event_id)}">${button('Redeliver', 'secondary')}`, { label: `Redeliver ${a.event_id}`, inline: true }),
  ]);
  const replay = form(ctx, envPath(ctx, `webhooks/${w.id}/replay`), `${select({ name: 'hours', label: 'Replay the events of the last', options: [['1', 'hour'], ['24', '24 hours'], ['168', '7 days']] })}${button('Replay', 'secondary')}`, { label: 'Replay recent events' });
  return consolePage(ctx, {
    title: 'Webhook endpoint',
    section: 'webhooks',
    flash: p.done ? { text: p.done.kind === 'replay' ? 'Replay queued.' : 'Redelivery queued.' } : null,
    body: `${facts([['ID', code(w.id)], ['URL', code(w.endpoint_url)], ['Status', h(w.status)], ['Events', h(w.events.join(', '))]])}<h2>Delivery log</h2>${table('Delivery attempts', ['When', 'Event', 'Result', 'Trigger', 'Error', ''], rows, 'No delivery yet.')}<h2>Replay</h2>${replay}`,
    scripts: [
      { what: 'Get this endpoint', cli: `npx wos webhooks get ${w.id}`, curl: curl(p.base, 'GET', `/webhook_endpoints/${w.id}`) },
      { what: 'Delivery attempts', cli: `npx wos webhooks attempts ${w.id}`, curl: curl(p.base, 'GET', `/webhook_endpoints/${w.id}/delivery_attempts?limit=100`) },
      redeliverScript(p.base, w.id, p.done?.kind === 'redelivery' ? p.done.eventId : null, p.attempts[0]?.event_id ?? 'EVENT_ID'),
      replayScript(p.base, w.id, p.done?.kind === 'replay' ? p.done : null),
    ],
  });
}

export interface EmailSettingsView { from_name: string | null; from_address: string | null; reply_to: string | null; delivery: 'platform' | 'own_provider' }
export interface AuthkitSettingsView {
  sign_up_policy: string;
  require_mfa: boolean;
  branding: { name: string | null; primary_color: string | null; custom_domain: string | null; logo: string | null };
  email: EmailSettingsView;
}

export function settingsPage(ctx: ConsoleContext, p: { base: string; settings: AuthkitSettingsView; done: 'saved' | 'email' | null }): string {
  const s = p.settings;
  const e = s.email;
  const f = form(
    ctx,
    envPath(ctx, 'settings'),
    `${select({ name: 'sign_up_policy', label: 'Sign-up', options: [['open', 'Open'], ['invitation_only', 'Invitation only'], ['waitlist', 'Waitlist']], value: s.sign_up_policy })}${select({ name: 'require_mfa', label: 'Require MFA', options: [['false', 'No'], ['true', 'Yes']], value: String(s.require_mfa) })}${input({ name: 'brand_name', label: 'Brand name', required: false, value: s.branding.name ?? '' })}${input({ name: 'primary_color', label: 'Primary colour (#rrggbb)', required: false, value: s.branding.primary_color ?? '' })}${button('Save settings')}`,
    { label: 'AuthKit settings' },
  );
  const emailForm = form(
    ctx,
    envPath(ctx, 'settings/email'),
    `${input({ name: 'from_name', label: 'Sender name', required: false, value: e.from_name ?? '', hint: 'Empty: the service default (MAIL_FROM).' })}${input({ name: 'from_address', label: 'Sender address', type: 'email', required: false, value: e.from_address ?? '', hint: "Empty: the service default. Its domain must be MAIL_FROM's or one of MAIL_SENDER_DOMAINS." })}${input({ name: 'reply_to', label: 'Reply-to address', type: 'email', required: false, value: e.reply_to ?? '' })}${select({ name: 'delivery', label: 'Delivery', options: [['platform', 'The platform sends every email'], ['own_provider', 'Use your own email provider']], value: e.delivery })}${button('Save email settings')}`,
    { label: 'Email settings' },
  );
  const delivery = e.delivery === 'own_provider'
    ? 'Your own provider: no magic auth, email verification, password reset or invitation email is sent; your app sends them on the <code>magic_auth.created</code>, <code>email_verification.created</code>, <code>password_reset.created</code> and <code>invitation.created</code> events (get the object by its ID for the code, token or link). Other emails (Radar, new device, email change) are still sent.'
    : 'The platform sends every email.';
  const brand = [`--sign-up ${s.sign_up_policy}`, `--require-mfa ${s.require_mfa}`, `--name ${shell(s.branding.name ?? 'none')}`, `--color ${shell(s.branding.primary_color ?? 'none')}`];
  const cliArgs = [`--email-delivery ${e.delivery}`, ...(e.from_name ? [`--from-name ${shell(e.from_name)}`] : []), ...(e.from_address ? [`--from-address ${shell(e.from_address)}`] : []), ...(e.reply_to ? [`--reply-to ${shell(e.reply_to)}`] : [])];
  return consolePage(ctx, {
    title: 'Settings',
    section: 'settings',
    flash: p.done === 'saved' ? { text: 'Settings saved.' } : p.done === 'email' ? { text: 'Email settings saved.' } : null,
    body: `<h2>Branding and sign-up (hosted AuthKit pages)</h2>${facts([['Sign-up', h(s.sign_up_policy)], ['Require MFA', s.require_mfa ? 'Yes' : 'No'], ['Brand name', h(s.branding.name ?? '—')], ['Primary colour', h(s.branding.primary_color ?? 'default')], ['Custom domain', h(s.branding.custom_domain ?? '—')]])}${f}<h2>Email</h2>${facts([['Sender name', h(e.from_name ?? 'default')], ['Sender address', h(e.from_address ?? 'default')], ['Reply-to', h(e.reply_to ?? '—')], ['Delivery', delivery]])}${emailForm}<p>The service default sender is its <code>MAIL_FROM</code>; without <code>SMTP_HOST</code>, development mail lands in <a href="/dev/mail">the dev inbox</a>.</p>`,
    scripts: [
      { what: 'Read the settings', cli: 'npx wos authkit settings', curl: curl(p.base, 'GET', '/user_management/authkit/settings') },
      { what: p.done === 'saved' ? 'Save these sign-up and branding settings' : 'Change the sign-up and branding settings', cli: `npx wos authkit set ${brand.join(' ')}`, curl: curl(p.base, 'PATCH', '/user_management/authkit/settings', { sign_up_policy: s.sign_up_policy, require_mfa: s.require_mfa, branding: { name: s.branding.name, primary_color: s.branding.primary_color } }) },
      {
        what: 'Change the email settings',
        cli: `npx wos authkit set ${cliArgs.join(' ')}`,
        curl: curl(p.base, 'PATCH', '/user_management/authkit/settings', { email: { from_name: e.from_name, from_address: e.from_address, reply_to: e.reply_to, delivery: e.delivery } }),
      },
    ],
  });
}

function redeliverScript(base: string, endpointId: string, done: string | null, example: string): Script {
  const eventId = done ?? example;
  return { what: done ? `Redeliver the event ${done}` : 'Redeliver an event', cli: `npx wos webhooks redeliver ${endpointId} --event ${eventId}`, curl: curl(base, 'POST', `/webhook_endpoints/${endpointId}/redeliveries`, { event_id: eventId }) };
}

function replayScript(base: string, endpointId: string, done: { rangeStart: string; rangeEnd: string } | null): Script {
  if (!done) return { what: 'Replay the events of the last hour', cli: `npx wos webhooks replay ${endpointId} --hours 1`, curl: curl(base, 'POST', `/webhook_endpoints/${endpointId}/replays`, { range_start: 'ISO_TIME', range_end: 'ISO_TIME' }) };
  return {
    what: `Replay the events from ${done.rangeStart} to ${done.rangeEnd}`,
    cli: `npx wos webhooks replay ${endpointId} --since ${done.rangeStart} --until ${done.rangeEnd}`,
    curl: curl(base, 'POST', `/webhook_endpoints/${endpointId}/replays`, { range_start: done.rangeStart, range_end: done.rangeEnd }),
  };
}
