{{/* Names, labels and small shared pieces. */}}

{{/* Chart name, or nameOverride; at most 63 characters. */}}
{{- define "arc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Full name used for most objects: fullnameOverride when set; otherwise the
release name alone when it already contains the chart name, else
"<release>-<name>". Cut to 63 characters (a DNS label).
*/}}
{{- define "arc.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Namespace for every namespaced object. */}}
{{- define "arc.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride -}}
{{- end -}}

{{/* Namespace the controller watches when scope.singleNamespace is set. */}}
{{- define "arc.watchNamespace" -}}
{{- default (include "arc.namespace" .) .Values.scope.watchNamespace -}}
{{- end -}}

{{- define "arc.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "arc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "arc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels common to all objects; user labels from .Values.labels last. */}}
{{- define "arc.labels" -}}
helm.sh/chart: {{ include "arc.chart" . }}
{{ include "arc.selectorLabels" . }}
{{- with .Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- range $k, $v := .Values.labels }}
{{ $k }}: {{ $v | toString | quote }}
{{- end }}
{{- end -}}

{{- define "arc.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "arc.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Name of the Secret holding the controller's GitHub credentials. */}}
{{- define "arc.secretName" -}}
{{- default (include "arc.fullname" .) .Values.authSecret.name -}}
{{- end -}}

{{- define "arc.managerRoleName" -}}
{{- include "arc.fullname" . }}-manager
{{- end -}}

{{- define "arc.webhookServiceName" -}}
{{- include "arc.fullname" . | trunc 55 | trimSuffix "-" }}-webhook
{{- end -}}

{{- define "arc.metricsServiceName" -}}
{{- include "arc.fullname" . | trunc 47 | trimSuffix "-" }}-metrics-service
{{- end -}}

{{- define "arc.servingCertName" -}}
{{- include "arc.fullname" . }}-serving-cert
{{- end -}}

{{- define "arc.issuerName" -}}
{{- include "arc.fullname" . }}-selfsigned-issuer
{{- end -}}

{{/* Controller image; the tag defaults to "v" + appVersion. */}}
{{- define "arc.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default (printf "v%s" .Chart.AppVersion)) -}}
{{- end -}}

{{/*
A value as a string for a Secret: numbers parsed from YAML are float64 in
Helm, so whole numbers are printed without an exponent (12345678, not
1.2345678e+07).
*/}}
{{- define "arc.str" -}}
{{- if kindIs "float64" . -}}
{{- if eq (float64 (int64 .)) . -}}{{- int64 . -}}{{- else -}}{{- . -}}{{- end -}}
{{- else -}}
{{- toString . -}}
{{- end -}}
{{- end -}}

{{/*
Whether a serviceMonitor setting is on. Accepts the map form
({enable: true} or {enabled: true}) and the old boolean form (true).
Prints "true" or nothing.
*/}}
{{- define "arc.serviceMonitorOn" -}}
{{- if kindIs "map" . -}}
{{- if or .enable .enabled }}true{{ end -}}
{{- else if . -}}
true
{{- end -}}
{{- end -}}

{{/*
env entries from a values key that is either a list of EnvVar objects or a
map of NAME: value. Argument: the value. Output has no leading or trailing
newline, so callers use nindent; empty when there is nothing to add.
*/}}
{{- define "arc.extraEnv" -}}
{{- if and (kindIs "slice" .) . -}}
{{- toYaml . -}}
{{- else if kindIs "map" . -}}
{{- range $k, $v := . }}
- name: {{ $k }}
  value: {{ $v | toString | quote }}
{{- end }}
{{- end -}}
{{- end -}}

{{/*
The GitHub credential env vars, each read from a Secret key through an
optional reference. Argument: dict with "secret" (the Secret name) and
"root" (the top context, for the basic-auth user name).
*/}}
{{- define "arc.githubAuthEnv" -}}
{{- $secret := .secret -}}
{{- range $pair := list (list "GITHUB_TOKEN" "github_token") (list "GITHUB_APP_ID" "github_app_id") (list "GITHUB_APP_INSTALLATION_ID" "github_app_installation_id") (list "GITHUB_APP_PRIVATE_KEY" "github_app_private_key") }}
- name: {{ index $pair 0 }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ index $pair 1 }}
      optional: true
{{- end }}
{{- with .root.Values.authSecret.github_basicauth_username }}
- name: GITHUB_BASICAUTH_USERNAME
  value: {{ . | toString | quote }}
{{- end }}
- name: GITHUB_BASICAUTH_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: github_basicauth_password
      optional: true
{{- end -}}

{{/* GitHub URL env vars shared by the controller and the two servers. */}}
{{- define "arc.githubUrlEnv" -}}
{{- with .Values.githubEnterpriseServerURL }}
- name: GITHUB_ENTERPRISE_URL
  value: {{ . | quote }}
{{- end }}
{{- with .Values.githubURL }}
- name: GITHUB_URL
  value: {{ . | quote }}
{{- end }}
{{- with .Values.githubUploadURL }}
- name: GITHUB_UPLOAD_URL
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/*
data: entries of a GitHub credentials Secret. Argument: the values map
(authSecret, or a server's secret block). Tokens and IDs lose surrounding
whitespace (a pasted token often ends in a newline); the private key is
kept as given.
*/}}
{{- define "arc.githubSecretData" -}}
{{- range $key := list "github_token" "github_app_id" "github_app_installation_id" }}
{{- with (get $ $key) }}
{{ $key }}: {{ include "arc.str" . | trim | b64enc }}
{{- end }}
{{- end }}
{{- with .github_app_private_key }}
github_app_private_key: {{ toString . | b64enc }}
{{- end }}
{{- with .github_basicauth_password }}
github_basicauth_password: {{ toString . | b64enc }}
{{- end }}
{{- end -}}

{{/*
Stop with a clear message when a credentials Secret is to be created but its
values make no usable method. Argument: dict "v" (the values map) and
"path" (its key path, for the message).
*/}}
{{- define "arc.checkGithubSecret" -}}
{{- $v := .v -}}
{{- if or $v.github_app_id $v.github_app_installation_id $v.github_app_private_key -}}
{{- if not (and $v.github_app_id $v.github_app_installation_id $v.github_app_private_key) -}}
{{- fail (printf "%s: a GitHub App needs all three of github_app_id, github_app_installation_id and github_app_private_key" .path) -}}
{{- end -}}
{{- else if not (or $v.github_token $v.github_basicauth_password) -}}
{{- fail (printf "%s.create is true but no credentials are set: give github_token, the three github_app_* keys, or github_basicauth_password" .path) -}}
{{- end -}}
{{- end -}}

{{/*
One admission webhook entry. Argument: dict with "root" (top context),
"kind" (mutate|validate), "name", "path", "group" ("" for core),
"version", "resource", "operations" (list), and optional "objectSelector".
*/}}
{{- define "arc.webhook" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
- name: {{ .name }}
  admissionReviewVersions:
  - v1
  - v1beta1
  clientConfig:
    {{- if $v.admissionWebHooks.caBundle }}
    caBundle: {{ $v.admissionWebHooks.caBundle | quote }}
    {{- else if .caBundle }}
    caBundle: {{ .caBundle | quote }}
    {{- end }}
    service:
      name: {{ include "arc.webhookServiceName" $root }}
      namespace: {{ include "arc.namespace" $root }}
      path: {{ .path }}
      port: {{ $v.service.port | default 443 }}
  failurePolicy: Fail
  sideEffects: None
  timeoutSeconds: {{ $v.admissionWebHooks.timeoutSeconds | default 10 }}
  rules:
  - apiGroups:
    - {{ .group | quote }}
    apiVersions:
    - {{ .version }}
    operations:
    {{- range .operations }}
    - {{ . }}
    {{- end }}
    resources:
    - {{ .resource }}
  {{- if $v.scope.singleNamespace }}
  namespaceSelector:
    matchLabels:
      kubernetes.io/metadata.name: {{ include "arc.watchNamespace" $root }}
  {{- end }}
  {{- with .objectSelector }}
  objectSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
