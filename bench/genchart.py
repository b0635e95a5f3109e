#!/usr/bin/env python3
"""Generate a chart for the rendering benchmark.
usage: genchart.py DIR NTEMPLATES NITEMS"""
import os, sys

d, ntpl, nitems = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(os.path.join(d, "templates"), exist_ok=True)
with open(os.path.join(d, "Chart.yaml"), "w") as f:
    f.write("apiVersion: v2\nname: big\nversion: 1.2.3\nappVersion: \"4.5\"\n")
with open(os.path.join(d, "values.yaml"), "w") as f:
    f.write("image:\n  repository: example/app\n  tag: v1\nitems:\n")
    for i in range(nitems):
        f.write(f"  - name: item-{i}\n    port: {8000 + i}\n    enabled: {'true' if i % 2 else 'false'}\n"
                f"    tags: [a{i}, b{i}, \"0{i}\"]\n    env:\n      KEY_{i}: value {i}\n      RATIO: {i / 7:.3f}\n")
with open(os.path.join(d, "templates", "_helpers.tpl"), "w") as f:
    f.write('{{- define "big.name" -}}{{ default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}{{- end }}\n'
            '{{- define "big.fullname" -}}{{ printf "%s-%s" .Release.Name (include "big.name" .) | trunc 63 | trimSuffix "-" }}{{- end }}\n'
            '{{- define "big.labels" -}}\n'
            'app.kubernetes.io/name: {{ include "big.name" . }}\n'
            'app.kubernetes.io/instance: {{ .Release.Name }}\n'
            'helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}\n'
            'app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}\n'
            '{{- end }}\n')
for t in range(ntpl):
    with open(os.path.join(d, "templates", f"cm-{t:04d}.yaml"), "w") as f:
        f.write('apiVersion: v1\nkind: ConfigMap\nmetadata:\n'
                f'  name: {{{{ include "big.fullname" . }}}}-{t}\n'
                '  labels:\n    {{- include "big.labels" . | nindent 4 }}\n'
                '  annotations:\n    checksum: {{ toYaml .Values.items | sha256sum }}\n'
                'data:\n'
                '  items.yaml: |\n    {{- toYaml .Values.items | nindent 4 }}\n'
                '  {{- range $i, $it := .Values.items }}\n'
                '  {{- if $it.enabled }}\n'
                '  port-{{ $i }}: {{ $it.port | quote }}\n'
                '  {{- end }}\n'
                '  {{- end }}\n')
