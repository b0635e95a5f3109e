{{- define "common.label" -}}parent-wins{{- end }}
