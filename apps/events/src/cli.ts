import { deadLetterCliMain } from '@wos/platform/dead-letters';

// `node apps/events/dist/src/cli.js dead-letters list|show|replay` (DATABASE_URL of the events database).
deadLetterCliMain('events');
