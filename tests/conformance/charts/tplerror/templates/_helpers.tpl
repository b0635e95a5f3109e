{{- define "helper" }}{{ .Values.x.y.z }}{{ end }}
