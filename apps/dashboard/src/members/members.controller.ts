import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleService } from '../console/console.service';
import { membersPage } from '../pages/members.page';
import { MembersService } from './members.service';

/** The console's members: every change is the owner's. */
@Controller('dashboard/members')
export class MembersController {
  constructor(
    private readonly console: ConsoleService,
    private readonly members: MembersService,
  ) {}

  @Get()
  list(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('done') done: unknown) {
    return this.console.show(req, reply, null, 'members', async (ctx) => ({ html: membersPage(ctx, { members: await this.members.list(), done: typeof done === 'string' ? done : null }) }));
  }

  @Post()
  add(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.console.submit(req, reply, null, 'members', 'owner', async (ctx, body) => {
      const m = await this.members.add(ctx.member.id, body.email ?? '', body.role ?? '');
      return { redirect: '/dashboard/members?done=added', audit: { action: 'dashboard.member.added', target: { type: 'dashboard_member', id: m.id, name: `${m.email} (${m.role})` } } };
    });
  }

  @Post(':id/role')
  setRole(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string) {
    return this.console.submit(req, reply, null, 'members', 'owner', async (_ctx, body) => {
      const m = await this.members.setRole(id, body.role ?? '');
      return { redirect: '/dashboard/members?done=role', audit: { action: 'dashboard.member.role_changed', target: { type: 'dashboard_member', id: m.id, name: `${m.email} (${body.role})` } } };
    });
  }

  @Post(':id/delete')
  remove(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string) {
    return this.console.submit(req, reply, null, 'members', 'owner', async () => {
      const m = await this.members.remove(id);
      return { redirect: '/dashboard/members?done=removed', audit: { action: 'dashboard.member.removed', target: { type: 'dashboard_member', id: m.id, name: m.email } } };
    });
  }
}
