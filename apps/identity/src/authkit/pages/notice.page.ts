import type { MessageKey } from '../i18n/messages';
import { h, layout, links, type PageContext } from './layout';

/** A page that only says something (email sent, password changed, an error), with an optional way on. */
export function renderNotice(ctx: PageContext, page: { title: MessageKey; body: MessageKey; vars?: Record<string, string>; link?: [string, MessageKey] | null; alert?: boolean }): string {
  const role = page.alert ? ' role="alert"' : '';
  const body = `<p class="lead"${role}>${h(ctx.t(page.body, page.vars))}</p>${page.link ? links([[page.link[0], ctx.t(page.link[1])]]) : ''}`;
  return layout(ctx, { title: page.title, body });
}
