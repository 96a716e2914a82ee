{{/* Resource name: <release>-<app>, within the 63-character DNS label limit. */}}
{{- define "service.fullname" -}}
{{- printf "%s-%s" .Release.Name (required "app is required" .Values.app) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Selector labels. Every app is an alias of this same chart, so selectors must key on the
app, never on .Chart.Name, or the Deployments would select each other's pods.
*/}}
{{- define "service.selectorLabels" -}}
app.kubernetes.io/name: {{ .Values.app }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "service.labels" -}}
{{ include "service.selectorLabels" . }}
app.kubernetes.io/part-of: wos-platform
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "service.image" -}}
{{- $repo := .Values.image.repository | default (printf "%s/%s" (required "global.image.registry or image.repository is required" .Values.global.image.registry) .Values.app) -}}
{{- $tag := .Values.image.tag | default .Values.global.image.tag | default .Chart.AppVersion -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}

{{/* Postgres database name for an app: wos_<app with dashes as underscores>. */}}
{{- define "service.database" -}}
{{- printf "wos_%s" (replace "-" "_" .) -}}
{{- end -}}

{{/*
Postgres credentials and DATABASE_URL for the app named by .app, with the root context
in .root. DATABASE_URL is assembled by Kubernetes $(VAR) expansion, so the password
must be URL-safe (percent-encode it in the Secret otherwise).
*/}}
{{- define "service.postgresEnv" -}}
{{- $pg := .root.Values.global.postgres -}}
- name: PGUSER
  valueFrom:
    secretKeyRef:
      name: {{ required "global.postgres.existingSecret.name is required" $pg.existingSecret.name }}
      key: {{ $pg.existingSecret.usernameKey }}
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $pg.existingSecret.name }}
      key: {{ $pg.existingSecret.passwordKey }}
- name: DATABASE_URL
  value: {{ printf "postgresql://$(PGUSER):$(PGPASSWORD)@%s:%v/%s?sslmode=%s" (required "global.postgres.host is required" $pg.host) $pg.port (include "service.database" .app) $pg.sslmode | quote }}
{{- end -}}

{{/*
Outgoing email for an app that sends it (mail.enabled). Such an app refuses to start in production
with neither an SMTP host nor MAIL_DISABLED=true, so rendering fails first, saying so.
*/}}
{{- define "service.mailEnv" -}}
{{- $m := .Values.global.mail -}}
{{- if not (or $m.smtpHost $m.disabled) -}}
{{- fail (printf "%s sends email: set global.mail.smtpHost, or global.mail.disabled=true to send none" .Values.app) -}}
{{- end -}}
- name: SMTP_HOST
  value: {{ $m.smtpHost | quote }}
- name: SMTP_PORT
  value: {{ $m.smtpPort | quote }}
- name: SMTP_SECURE
  value: {{ $m.smtpSecure | toString | quote }}
- name: SMTP_REQUIRE_TLS
  value: {{ $m.smtpRequireTls | toString | quote }}
- name: MAIL_FROM
  value: {{ $m.from | quote }}
- name: MAIL_DISABLED
  value: {{ $m.disabled | toString | quote }}
{{- with $m.existingSecret.name }}
- name: SMTP_USER
  valueFrom:
    secretKeyRef: { name: {{ . }}, key: {{ $m.existingSecret.usernameKey }} }
- name: SMTP_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ . }}, key: {{ $m.existingSecret.passwordKey }} }
{{- end }}
{{- end -}}
