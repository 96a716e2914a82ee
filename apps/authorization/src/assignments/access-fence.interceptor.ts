import { Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { AccessIndex } from './access-index';

const READS_ONLY = 'authz:reads-only';
/** Marks a POST that writes nothing (a check, a claims computation): it needs no fence. */
export const ReadsOnly = () => SetMetadata(READS_ONLY, true);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Read-your-writes on the replica that wrote: a request that may have written answers only once
 * the NOTIFYs of its commits have reached this replica's access index (AccessIndex.fence), so a
 * check sent after a revocation's answer never sees the grant. Failed requests wait too: a
 * handler may have committed before it threw.
 */
@Injectable()
export class AccessFenceInterceptor implements NestInterceptor {
  constructor(
    private readonly index: AccessIndex,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const method = context.switchToHttp().getRequest<{ method: string }>().method;
    if (SAFE_METHODS.has(method) || this.reflector.get<boolean>(READS_ONLY, context.getHandler())) return next.handle();
    return from(this.afterFence(next.handle()));
  }

  private async afterFence(answer: Observable<unknown>): Promise<unknown> {
    try {
      return await lastValueFrom(answer, { defaultValue: undefined });
    } finally {
      await this.index.fence();
    }
  }
}
