import { pooledPrismaClient } from '@wos/platform';
import { PrismaClient } from '../generated/prisma/client';

/** This service's Prisma client on the platform's pool and lifecycle; ServiceInfraModule constructs it. */
export class PrismaService extends pooledPrismaClient(PrismaClient) {}
