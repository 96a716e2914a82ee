import { deadLetterCliMain } from '@wos/platform/dead-letters';

// `node apps/webhook-dispatcher/dist/src/cli.js dead-letters list|show|replay` (DATABASE_URL of its database).
deadLetterCliMain('webhook-dispatcher');
