{{/* Chart name, truncated to a label's 63 characters. */}}
{{- define "concbench-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's objects: the release name, plus the chart name unless it already holds it. */}}
{{- define "concbench-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of cluster-scoped objects: unique per release namespace too. */}}
{{- define "concbench-operator.clusterName" -}}
{{- printf "%s-%s" (include "concbench-operator.fullname" .) .Release.Namespace | trunc 253 | trimSuffix "-" }}
{{- end }}

{{- define "concbench-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "concbench-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "concbench-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "concbench-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: concbench
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "concbench-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "concbench-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "concbench-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "concbench-operator.javaKernelImage" -}}
{{- default (printf "concbench/concbench-kernel:%s" .Chart.AppVersion) .Values.kernel.javaImage }}
{{- end }}

{{/* JOSDK_ALL_NAMESPACES, or the watched namespaces joined by commas. */}}
{{- define "concbench-operator.namespaces" -}}
{{- if .Values.watchNamespaces }}
{{- join "," .Values.watchNamespaces }}
{{- else }}
{{- "JOSDK_ALL_NAMESPACES" }}
{{- end }}
{{- end }}

{{/*
The operator's permissions in the namespaces it watches: exactly the API calls it makes.
- concurrencybenchmarks: read and watch only (no finalizer: the spec and metadata are the user's)
- concurrencybenchmarks/status: the results; /finalizers: owner references that block deletion
- jobs: one per run, created and (on a spec change or failure) deleted
- pods: read the results from the termination messages; patch the common-start annotation
- configmaps: the Python kernel script, created and kept current
- events: what `kubectl describe cb` shows (create); the Job controller's FailedCreate events, the only
  word of a pod the cluster refused (list, watch; the operator's informer selects those by field)
- networkpolicies (kernel.networkPolicy.enabled): one per benchmark for its kernel pods, made and kept current
RBAC cannot say "only the objects it made": with rbac.restrictWrites the ValidatingAdmissionPolicies of
admission-operator-writes.yaml narrow the writes on pods, configmaps, jobs and networkpolicies to those.
*/}}
{{- define "concbench-operator.rules" -}}
- apiGroups: ["concbench.dev"]
  resources: ["concurrencybenchmarks"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["concbench.dev"]
  resources: ["concurrencybenchmarks/status"]
  verbs: ["update"]
- apiGroups: ["concbench.dev"]
  resources: ["concurrencybenchmarks/finalizers"]
  verbs: ["update"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch", "create", "update"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "list", "watch"]
{{- if .Values.kernel.networkPolicy.enabled }}
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["get", "list", "watch", "create", "update"]
{{- end }}
{{- end }}

{{/* The runtime catalog as the operator reads it: name=image,... (runtimes without an image left out). */}}
{{- define "concbench-operator.runtimeImages" -}}
{{- $entries := list -}}
{{- range $name, $image := .Values.runtimes -}}
{{- if $image -}}
{{- $entries = append $entries (printf "%s=%s" $name $image) -}}
{{- end -}}
{{- end -}}
{{- join "," $entries -}}
{{- end -}}

{{/* A map of quantities as the operator reads it: name=quantity,... in key order (integers as written). */}}
{{- define "concbench-operator.quantityPairs" -}}
{{- $entries := list -}}
{{- range $name, $quantity := . -}}
{{- $entries = append $entries (printf "%s=%s" $name (include "concbench-operator.quantity" $quantity)) -}}
{{- end -}}
{{- join "," $entries -}}
{{- end -}}

{{/* One quantity as a string: YAML gives an integer such as 4 as a float, which would print as 4e+00. */}}
{{- define "concbench-operator.quantity" -}}
{{- if kindIs "string" . }}{{ . }}{{ else }}{{ int64 . }}{{ end -}}
{{- end -}}

{{/* A quantity's value in base units as a float (500m is 0.5, 8Gi 8589934592), to compare two quantities. */}}
{{- define "concbench-operator.quantityValue" -}}
{{- $quantity := include "concbench-operator.quantity" . | trimPrefix "+" -}}
{{- $number := regexFind "^([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?" $quantity -}}
{{- $scales := dict "" 1 "m" 0.001 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "P" 1e15 "E" 1e18 "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 "Ti" 1099511627776 "Pi" 1125899906842624 "Ei" 1152921504606846976 -}}
{{- mulf (float64 $number) (get $scales (trimPrefix $number $quantity)) -}}
{{- end -}}

{{/*
Fails the render when kernel.defaultResources asks more than policy.maxResources allows: every
benchmark without spec.resources would run pods the policy refuses to anyone who asks for them. A
container with a limit and no request gets a request equal to its limit, so a default limit is
checked against the maximum request too.
*/}}
{{- define "concbench-operator.checkDefaultResources" -}}
{{- $defaults := .Values.kernel.defaultResources | default dict -}}
{{- $max := .Values.policy.maxResources | default dict -}}
{{- range $kind := list "requests" "limits" -}}
{{- range $resource, $maximum := index $max $kind | default dict -}}
{{- $default := "" -}}
{{- $from := printf "kernel.defaultResources.%s.%s" $kind $resource -}}
{{- if hasKey (index $defaults "requests" | default dict) $resource | and (eq $kind "requests") -}}
{{- $default = index $defaults.requests $resource -}}
{{- else if hasKey (index $defaults "limits" | default dict) $resource -}}
{{- $default = index $defaults.limits $resource -}}
{{- $from = printf "kernel.defaultResources.limits.%s" $resource -}}
{{- end -}}
{{- if and (ne (toString $default) "") (gt (include "concbench-operator.quantityValue" $default | float64) (include "concbench-operator.quantityValue" $maximum | float64)) -}}
{{- fail (printf "%s %s exceeds policy.maxResources.%s.%s %s%s: kernel pods of benchmarks without spec.resources would ask more than the policy allows; lower the default or raise the maximum" $from (include "concbench-operator.quantity" $default) $kind $resource (include "concbench-operator.quantity" $maximum) (ternary " (a container's request defaults to its limit)" "" (and (eq $kind "requests") (hasPrefix "kernel.defaultResources.limits" $from)))) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
