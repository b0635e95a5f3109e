{{/*
Objects of the two optional servers, githubWebhookServer and
actionsMetricsServer, which share one shape. Every define takes a dict:
  root     the top context
  v        the server's values block
  m        its metrics block (.Values.metrics or .Values.actionsMetrics)
  suffix   github-webhook-server | actions-metrics-server
  creds    whether to pass GitHub API credentials from the server's Secret
*/}}

{{- define "arc.srv.name" -}}
{{- default .root.Chart.Name .v.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "arc.srv.instance" -}}
{{- printf "%s-%s" .root.Release.Name .suffix -}}
{{- end -}}

{{/* "<release>-<name>-<suffix>", or "<release>-<suffix>" when that already holds the name. */}}
{{- define "arc.srv.fullname" -}}
{{- if .v.fullnameOverride -}}
{{- .v.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .root.Chart.Name .v.nameOverride -}}
{{- $instance := include "arc.srv.instance" . -}}
{{- if contains $name $instance -}}
{{- $instance | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s-%s" .root.Release.Name $name .suffix | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "arc.srv.selectorLabels" -}}
app.kubernetes.io/name: {{ include "arc.srv.name" . }}
app.kubernetes.io/instance: {{ include "arc.srv.instance" . }}
{{- end -}}

{{- define "arc.srv.serviceAccountName" -}}
{{- if .v.serviceAccount.create -}}
{{- default (include "arc.srv.fullname" .) .v.serviceAccount.name -}}
{{- else -}}
{{- default "default" .v.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "arc.srv.secretName" -}}
{{- default (include "arc.srv.fullname" .) .v.secret.name -}}
{{- end -}}

{{- define "arc.srv.labels" -}}
helm.sh/chart: {{ include "arc.chart" .root }}
{{ include "arc.srv.selectorLabels" . }}
{{- with .root.Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/component: {{ .suffix }}
{{- range $k, $val := .root.Values.labels }}
{{ $k }}: {{ $val | toString | quote }}
{{- end }}
{{- end -}}

{{- define "arc.srv.meta" -}}
name: {{ include "arc.srv.fullname" . }}
namespace: {{ include "arc.namespace" .root }}
labels:
  {{- include "arc.srv.labels" . | nindent 2 }}
{{- end -}}

{{- define "arc.srv.serviceAccount" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "arc.srv.serviceAccountName" . }}
  namespace: {{ include "arc.namespace" .root }}
  labels:
    {{- include "arc.srv.labels" . | nindent 4 }}
  {{- with .v.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{/* Both servers read autoscalers and their targets, and record scale-up reservations on HRAs. */}}
{{- define "arc.srv.rbac" -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {{ include "arc.srv.fullname" . }}
  labels:
    {{- include "arc.srv.labels" . | nindent 4 }}
rules:
  - apiGroups: ["actions.summerwind.dev"]
    resources: ["horizontalrunnerautoscalers"]
    verbs: ["get", "list", "watch", "patch", "update"]
  - apiGroups: ["actions.summerwind.dev"]
    resources: ["horizontalrunnerautoscalers/status"]
    verbs: ["get", "patch", "update"]
  - apiGroups: ["actions.summerwind.dev"]
    resources: ["horizontalrunnerautoscalers/finalizers"]
    verbs: ["get", "list", "watch", "create", "delete", "patch", "update"]
  - apiGroups: ["actions.summerwind.dev"]
    resources: ["runnerdeployments", "runnersets"]
    verbs: ["get", "list", "watch"]
  - apiGroups: ["actions.summerwind.dev"]
    resources: ["runnerdeployments/status", "runnersets/status"]
    verbs: ["get"]
  {{- if .m.proxy.enabled }}
  - apiGroups: ["authentication.k8s.io"]
    resources: ["tokenreviews"]
    verbs: ["create"]
  - apiGroups: ["authorization.k8s.io"]
    resources: ["subjectaccessreviews"]
    verbs: ["create"]
  {{- end }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ include "arc.srv.fullname" . }}
  labels:
    {{- include "arc.srv.labels" . | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{ include "arc.srv.fullname" . }}
subjects:
  - kind: ServiceAccount
    name: {{ include "arc.srv.serviceAccountName" . }}
    namespace: {{ include "arc.namespace" .root }}
{{- end -}}

{{- define "arc.srv.secret" -}}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "arc.srv.secretName" . }}
  namespace: {{ include "arc.namespace" .root }}
  labels:
    {{- include "arc.srv.labels" . | nindent 4 }}
type: Opaque
data:
  {{- with .v.secret.github_webhook_secret_token }}
  github_webhook_secret_token: {{ toString . | b64enc }}
  {{- end }}
  {{- with (include "arc.githubSecretData" .v.secret | trim) }}
  {{- . | nindent 2 }}
  {{- end }}
{{- end -}}

{{- define "arc.srv.deployment" -}}
{{- $v := .v -}}
{{- $m := .m -}}
{{- $root := .root -}}
{{- $proxy := $m.proxy.enabled -}}
{{- $secret := include "arc.srv.secretName" . -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  {{- include "arc.srv.meta" . | nindent 2 }}
spec:
  replicas: {{ $v.replicaCount }}
  selector:
    matchLabels:
      {{- include "arc.srv.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      annotations:
        kubectl.kubernetes.io/default-container: {{ .suffix }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "arc.srv.selectorLabels" . | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "arc.srv.serviceAccountName" . }}
      {{- with $v.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.priorityClassName }}
      priorityClassName: {{ . | quote }}
      {{- end }}
      {{- with $v.podSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds | default 10 }}
      containers:
        - name: {{ .suffix }}
          image: {{ include "arc.image" $root | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          command:
            - /{{ .suffix }}
          args:
            {{- if $proxy }}
            - "--metrics-addr=127.0.0.1:8080"
            {{- else }}
            - "--metrics-addr=0.0.0.0:{{ $m.port }}"
            {{- end }}
            {{- with $v.logLevel }}
            - "--log-level={{ . }}"
            {{- end }}
            {{- with $v.logFormat }}
            - "--log-format={{ . }}"
            {{- end }}
            {{- if and (eq .suffix "github-webhook-server") $root.Values.scope.singleNamespace }}
            - "--watch-namespace={{ include "arc.watchNamespace" $root }}"
            {{- end }}
            {{- with $v.queueLimit }}
            - "--queue-limit={{ include "arc.str" . }}"
            {{- end }}
            {{- with $root.Values.runnerGithubURL }}
            - "--runner-github-url={{ . }}"
            {{- end }}
          {{- with $v.lifecycle }}
          lifecycle:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          env:
            - name: GITHUB_WEBHOOK_SECRET_TOKEN
              valueFrom:
                secretKeyRef:
                  name: {{ $secret }}
                  key: github_webhook_secret_token
                  optional: true
            {{- with (include "arc.githubUrlEnv" $root) }}
            {{- . | trim | nindent 12 }}
            {{- end }}
            {{- if .creds }}
            {{- include "arc.githubAuthEnv" (dict "secret" $secret "root" $root) | trim | nindent 12 }}
            {{- end }}
            {{- with (include "arc.extraEnv" $v.env) }}
            {{- . | trim | nindent 12 }}
            {{- end }}
          ports:
            - name: http
              containerPort: 8000
              protocol: TCP
            {{- if not $proxy }}
            - name: metrics-port
              containerPort: {{ $m.port }}
              protocol: TCP
            {{- end }}
          {{- with $v.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $v.securityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
        {{- if $proxy }}
        - name: kube-rbac-proxy
          image: "{{ $m.proxy.image.repository }}:{{ $m.proxy.image.tag }}"
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args:
            - "--secure-listen-address=0.0.0.0:{{ $m.port }}"
            - "--upstream=http://127.0.0.1:8080/"
            - "--logtostderr=true"
            - "--v=2"
          ports:
            - name: metrics-port
              containerPort: {{ $m.port }}
              protocol: TCP
          {{- with $m.proxy.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $v.securityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
        {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}

{{- define "arc.srv.service" -}}
{{- $v := .v -}}
apiVersion: v1
kind: Service
metadata:
  {{- include "arc.srv.meta" . | nindent 2 }}
  {{- with $v.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ $v.service.type | default "ClusterIP" }}
  selector:
    {{- include "arc.srv.selectorLabels" . | nindent 4 }}
  ports:
    {{- range $v.service.ports }}
    - {{ toYaml . | nindent 6 | trim }}
    {{- end }}
    {{- if include "arc.serviceMonitorOn" .m.serviceMonitor }}
    - name: metrics-port
      port: {{ .m.port }}
      targetPort: metrics-port
      protocol: TCP
    {{- end }}
  {{- with $v.service.loadBalancerSourceRanges }}
  loadBalancerSourceRanges:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{- define "arc.srv.ingress" -}}
{{- $v := .v -}}
{{- $fullname := include "arc.srv.fullname" . -}}
{{- $port := (index $v.service.ports 0).port -}}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  {{- include "arc.srv.meta" . | nindent 2 }}
  {{- with $v.ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with $v.ingress.ingressClassName }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- with $v.ingress.tls }}
  tls:
    {{- range . }}
    - secretName: {{ .secretName }}
      hosts:
        {{- range .hosts }}
        - {{ . | quote }}
        {{- end }}
    {{- end }}
  {{- end }}
  rules:
    {{- range $v.ingress.hosts }}
    - host: {{ .host | quote }}
      http:
        paths:
          {{- with .extraPaths }}
          {{- toYaml . | nindent 10 }}
          {{- end }}
          {{- range .paths }}
          - path: {{ .path | default "/" }}
            pathType: {{ .pathType | default "Prefix" }}
            backend:
              service:
                name: {{ $fullname }}
                port:
                  number: {{ $port }}
          {{- end }}
    {{- end }}
{{- end -}}

{{- define "arc.srv.pdb" -}}
{{- $pdb := .v.podDisruptionBudget -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "arc.srv.fullname" . | trunc 59 | trimSuffix "-" }}-pdb
  namespace: {{ include "arc.namespace" .root }}
  labels:
    {{- include "arc.srv.labels" . | nindent 4 }}
spec:
  {{- if hasKey $pdb "maxUnavailable" }}
  maxUnavailable: {{ $pdb.maxUnavailable }}
  {{- else }}
  minAvailable: {{ $pdb.minAvailable | default 1 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "arc.srv.selectorLabels" . | nindent 6 }}
{{- end -}}

{{- define "arc.srv.serviceMonitor" -}}
{{- $sm := .m.serviceMonitor -}}
{{- $ns := "" -}}
{{- if kindIs "map" $sm }}{{ $ns = $sm.namespace }}{{ end -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "arc.srv.fullname" . | trunc 47 | trimSuffix "-" }}-service-monitor
  namespace: {{ $ns | default (include "arc.namespace" .root) }}
  labels:
    {{- include "arc.srv.labels" . | nindent 4 }}
    {{- with .m.serviceMonitorLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  namespaceSelector:
    matchNames:
      - {{ include "arc.namespace" .root }}
  selector:
    matchLabels:
      {{- include "arc.srv.selectorLabels" . | nindent 6 }}
  endpoints:
    - port: metrics-port
      path: /metrics
      {{- if kindIs "map" $sm }}
      interval: {{ $sm.interval | default "1m" }}
      scrapeTimeout: {{ $sm.timeout | default "30s" }}
      {{- end }}
      {{- if .m.proxy.enabled }}
      scheme: https
      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
      tlsConfig:
        insecureSkipVerify: true
      {{- end }}
{{- end -}}

{{/* Every object of one server, as "---"-separated documents. */}}
{{- define "arc.srv.all" -}}
{{- if .v.serviceAccount.create }}
---
{{ include "arc.srv.serviceAccount" . }}
{{- end }}
---
{{ include "arc.srv.rbac" . }}
{{- if .v.secret.create }}
---
{{ include "arc.srv.secret" . }}
{{- end }}
---
{{ include "arc.srv.deployment" . }}
---
{{ include "arc.srv.service" . }}
{{- if .v.ingress.enabled }}
---
{{ include "arc.srv.ingress" . }}
{{- end }}
{{- if dig "podDisruptionBudget" "enabled" false .v }}
---
{{ include "arc.srv.pdb" . }}
{{- end }}
{{- if include "arc.serviceMonitorOn" .m.serviceMonitor }}
---
{{ include "arc.srv.serviceMonitor" . }}
{{- end }}
{{- end -}}
