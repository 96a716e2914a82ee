-- Development mail inbox: the rendered mail, sealed, when no SMTP server is configured.
ALTER TABLE "email_deliveries" ADD COLUMN "inbox_copy" TEXT;
