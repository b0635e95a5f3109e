{{- /*
Shared definitions of the runner spec templates (kubectl arc runners create).
The data every template gets (built by plugin/cmd/runners.c):
  .Name .Namespace         the RunnerDeployment (and HorizontalRunnerAutoscaler) name and namespace
  .Target.Kind .Target.Value   repository OWNER/NAME | organization ORG | enterprise ENT
  .Runner                  what the flags say (see runnerdeployment.yaml)
  .PodSpec                 the -f values file: any other RunnerPodSpec field (a map, maybe empty)
  .HRA                     the autoscaler settings, or absent without --max
*/ -}}

{{- define "arc.labels" -}}
app.kubernetes.io/name: {{ .Name }}
app.kubernetes.io/managed-by: kubectl-arc
app.kubernetes.io/component: runners
{{- end -}}
