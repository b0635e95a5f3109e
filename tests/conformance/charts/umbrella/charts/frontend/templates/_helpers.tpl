{{- define "common.label" -}}frontend-loses{{- end }}
{{- define "frontend.only" -}}frontend-define{{- end }}
