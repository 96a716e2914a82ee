import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { paginationQuerySchema, ZodPipe, type PaginationQuery } from '@wos/platform';
import { RequireWidgetScope, Widget } from './widget-session.guard';
import type { WidgetSession } from './widget-tokens.service';
import { WidgetsService } from './widgets.service';
import { createWidgetDirectorySchema, createWidgetLogStreamSchema, emptyBodySchema, type CreateWidgetDirectoryInput, type CreateWidgetLogStreamInput } from './widgets.dto';

/*
 * The setup widgets (Directory Sync, audit-log streaming): the widget token is the only
 * credential, and every call is confined to the token's organization (WidgetsService).
 */

const page = new ZodPipe(paginationQuerySchema);

@RequireWidgetScope('widgets:dsync:manage')
@Controller('widgets/dsync/directories')
export class DsyncWidgetController {
  constructor(private readonly widgets: WidgetsService) {}

  @Get()
  list(@Widget() s: WidgetSession) {
    return this.widgets.directories(s);
  }

  @Post()
  @HttpCode(201)
  create(@Widget() s: WidgetSession, @Body(new ZodPipe(createWidgetDirectorySchema)) body: CreateWidgetDirectoryInput) {
    return this.widgets.createDirectory(s, body);
  }

  @Get(':id')
  get(@Widget() s: WidgetSession, @Param('id') id: string) {
    return this.widgets.directory(s, id);
  }

  @Post(':id/token')
  @HttpCode(200)
  rotate(@Widget() s: WidgetSession, @Param('id') id: string, @Body(new ZodPipe(emptyBodySchema)) _body: unknown) {
    return this.widgets.rotateDirectoryToken(s, id);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Widget() s: WidgetSession, @Param('id') id: string) {
    return this.widgets.deleteDirectory(s, id);
  }

  @Get(':id/users')
  users(@Widget() s: WidgetSession, @Param('id') id: string, @Query(page) q: PaginationQuery) {
    return this.widgets.directoryMembers(s, 'users', id, q);
  }

  @Get(':id/groups')
  groups(@Widget() s: WidgetSession, @Param('id') id: string, @Query(page) q: PaginationQuery) {
    return this.widgets.directoryMembers(s, 'groups', id, q);
  }
}

@RequireWidgetScope('widgets:audit-log-streaming:manage')
@Controller('widgets/audit-log-streaming/log_streams')
export class AuditLogStreamingWidgetController {
  constructor(private readonly widgets: WidgetsService) {}

  @Get()
  list(@Widget() s: WidgetSession, @Query(page) q: PaginationQuery) {
    return this.widgets.logStreams(s, q);
  }

  @Post()
  @HttpCode(201)
  create(@Widget() s: WidgetSession, @Body(new ZodPipe(createWidgetLogStreamSchema)) body: CreateWidgetLogStreamInput) {
    return this.widgets.createLogStream(s, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Widget() s: WidgetSession, @Param('id') id: string) {
    return this.widgets.deleteLogStream(s, id);
  }
}
