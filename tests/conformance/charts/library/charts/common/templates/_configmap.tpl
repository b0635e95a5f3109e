{{- define "common.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Values.name }}-cm
  labels:
    from: {{ .Chart.Name }}
{{- end }}
