{{/* Chart name, overridable. */}}
{{- define "keyrelay.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The prefix of every object name: the release name, plus the chart name unless the release name
already contains it ("keyrelay" gives keyrelay-operator, keyrelay-webhook, ...).
*/}}
{{- define "keyrelay.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Object names; the operator learns the webhook's through its environment. */}}
{{- define "keyrelay.operatorName" -}}{{ include "keyrelay.fullname" . }}-operator{{- end }}
{{- define "keyrelay.webhookService" -}}{{ include "keyrelay.fullname" . }}-webhook{{- end }}
{{- define "keyrelay.webhookConfiguration" -}}{{ include "keyrelay.fullname" . }}-injector{{- end }}
{{- define "keyrelay.webhookSecret" -}}{{ include "keyrelay.fullname" . }}-webhook-tls{{- end }}
{{- define "keyrelay.admissionPolicy" -}}{{ include "keyrelay.fullname" . }}-require-sidecar{{- end }}
{{- define "keyrelay.routesGuardPolicy" -}}{{ include "keyrelay.fullname" . }}-routes-guard{{- end }}

{{- define "keyrelay.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "keyrelay.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "keyrelay.selectorLabels" -}}
app.kubernetes.io/name: {{ include "keyrelay.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{/* repository:tag, or repository@digest when a digest is given; the tag defaults to appVersion. */}}
{{- define "keyrelay.image" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (default .appVersion .image.tag) }}
{{- end }}
{{- end }}

{{/* Whether routes are reconciled in every namespace (ClusterRole) or in a fixed list (Roles). */}}
{{- define "keyrelay.allNamespaces" -}}
{{- if not .Values.operator.watchNamespaces }}true{{ end }}
{{- end }}

{{/*
The namespaces the webhook and the admission policy act on. Both must use the same selector: the
policy refuses opted-in pods without a sidecar, so it may only look where the webhook injects.
kube-system and the release namespace are never injected (the operator skips them too).
*/}}
{{- define "keyrelay.namespaceSelector" -}}
{{- with .Values.webhook.namespaceSelector.matchLabels }}
matchLabels:
  {{- toYaml . | nindent 2 }}
{{- end }}
matchExpressions:
  - key: kubernetes.io/metadata.name
    operator: NotIn
    values:
      {{- toYaml (concat (list "kube-system" .Release.Namespace) .Values.webhook.excludeNamespaces) | nindent 6 }}
  {{- with .Values.operator.watchNamespaces }}
  # routes are published only in the watched namespaces, so only their pods can be injected
  - key: kubernetes.io/metadata.name
    operator: In
    values:
      {{- toYaml . | nindent 6 }}
  {{- end }}
  {{- with .Values.webhook.namespaceSelector.matchExpressions }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}

{{/* The reconciler's permissions: a ClusterRole when it watches every namespace, else Roles. */}}
{{- define "keyrelay.routeRules" -}}
- apiGroups: ["keyrelay.dev"]
  resources: ["credentialroutes", "credentialroutes/status"]
  verbs: ["get", "list", "watch", "patch", "update"]
# each namespace's EgressPolicy: read and rendered into its routes ConfigMap, status reported
# (no finalizer, so the policy itself is never written)
- apiGroups: ["keyrelay.dev"]
  resources: ["egresspolicies"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["keyrelay.dev"]
  resources: ["egresspolicies/status"]
  verbs: ["patch", "update"]
# a route's own Secret, read by name when the route is reconciled, to see that it and its keys
# exist; the values are never used. No list or watch: the operator never holds every Secret
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
# injected pods that need a restart to get a route's volumes
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list"]
# the published keyrelay-routes ConfigMap of each namespace: found through the watch, created
# (create cannot be limited to a name), and read, changed or removed by its name only
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["list", "watch", "create"]
- apiGroups: [""]
  resources: ["configmaps"]
  resourceNames: ["keyrelay-routes"]
  verbs: ["get", "update", "delete"]
# route warnings, and the webhook's Injected/InjectionSkipped events on the pods' owners
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end }}
