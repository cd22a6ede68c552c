{{/* The chart's full name: release name and chart name. */}}
{{- define "shop.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every object carries. */}}
{{- define "shop.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* A sidecar container that ships logs; shared by the workloads. */}}
{{- define "shop.logShipper" -}}
- name: log-shipper
  image: busybox:1.36
  args: ["tail", "-F", "/var/log/app.log"]
  securityContext:
    privileged: false
    runAsUser: 0
{{- end }}
