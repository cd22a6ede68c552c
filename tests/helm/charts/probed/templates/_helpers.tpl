{{- define "probed.image" -}}
{{ printf "%s/%s:%s" .Values.image.registry .Values.image.repository .Values.image.tag }}
{{- end }}

{{- define "probed.serviceAccount" -}}
{{ .Values.serviceAccount.name | trunc 63 }}
{{- end }}
