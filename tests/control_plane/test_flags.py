"""Control-plane flags read as the components read them, each finding at the exact
command item (line and column) or, for a missing flag, at the command list."""

from __future__ import annotations


def _where(findings, rule):
    return [(f.span.line, f.span.column, f.message) for f in findings if f.rule == rule]


APISERVER = """\
apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
    - name: kube-apiserver
      image: registry.k8s.io/kube-apiserver:v1.33.0
      command:
        - /usr/local/bin/kube-apiserver
        - --authorization-mode=Node,RBAC
        - --profiling
        - "false"
        - --enable-admission-plugins=NodeRestriction
        - --enable-admission-plugins=AlwaysAdmit
        - --audit-log-path
        - /var/log/audit.log
        - --anonymous-auth=false
        - --anonymous-auth=TRUE
"""


def test_bool_flag_never_takes_the_next_word(lint_text):
    # pflag: "--profiling false" sets profiling to true and leaves "false" as an argument
    findings = lint_text(APISERVER, select=["apiserver-profiling-enabled"])
    assert _where(findings, "apiserver-profiling-enabled") == [
        (13, 11, "kube-apiserver --profiling is set to true: /debug/pprof exposes internals and costly "
                 "profiling to callers")]


def test_last_occurrence_of_a_flag_wins(lint_text):
    findings = lint_text(APISERVER, select=["apiserver-anonymous-auth"])
    assert _where(findings, "apiserver-anonymous-auth") == [
        (20, 11, "kube-apiserver --anonymous-auth is set to true: requests without credentials are served "
                 "as system:anonymous")]


def test_list_flags_accumulate_over_repetitions(lint_text):
    findings = lint_text(APISERVER, select=["apiserver-always-admit", "apiserver-node-restriction"])
    assert _where(findings, "apiserver-always-admit") == [
        (16, 11, "kube-apiserver --enable-admission-plugins is set to NodeRestriction,AlwaysAdmit, which "
                 "includes AlwaysAdmit: every request is admitted")]
    assert _where(findings, "apiserver-node-restriction") == []


def test_value_in_the_next_word(lint_text):
    findings = lint_text(APISERVER, select=["apiserver-audit-log-disabled", "apiserver-audit-log-maxsize"])
    assert _where(findings, "apiserver-audit-log-disabled") == []
    # the log is written (--audit-log-path /var/log/audit.log), so rotation matters
    assert _where(findings, "apiserver-audit-log-maxsize") == [
        (10, 7, "kube-apiserver --audit-log-maxsize is not set, so it defaults to 0 (at least 100 expected): "
                "the audit log is rotated too early or never")]


def test_missing_flag_points_at_the_args_list_when_flags_live_there(lint_text):
    text = """\
apiVersion: v1
kind: Pod
metadata: {name: scheduler, namespace: kube-system}
spec:
  containers:
    - name: scheduler
      image: registry.k8s.io/kube-scheduler:v1.33.0
      command: [kube-scheduler]
      args:
        - --leader-elect=true
"""
    findings = lint_text(text, select=["scheduler-bind-address", "scheduler-profiling-enabled"])
    assert [(f.rule, f.span.line, f.span.column) for f in findings] == [
        ("scheduler-bind-address", 9, 7), ("scheduler-profiling-enabled", 9, 7)]


def test_scheduler_config_file_may_set_profiling(lint_text):
    text = """\
apiVersion: v1
kind: Pod
metadata: {name: scheduler, namespace: kube-system}
spec:
  containers:
    - name: scheduler
      image: registry.k8s.io/kube-scheduler:v1.33.0
      command: [kube-scheduler, --config=/etc/kubernetes/scheduler.yaml, --bind-address=127.0.0.1]
"""
    assert lint_text(text, select=["scheduler-bind-address", "scheduler-profiling-enabled"]) == []


def test_shell_script_and_hyperkube_are_recognised(lint_text):
    text = """\
apiVersion: v1
kind: Pod
metadata: {name: cm, namespace: kube-system}
spec:
  containers:
    - name: controller-manager
      image: example/hyperkube:v1.20
      command:
        - /hyperkube
        - controller-manager
        - --bind-address=0.0.0.0
    - name: wrapped
      image: registry.k8s.io/kube-controller-manager:v1.33.0
      command:
        - /bin/sh
        - -c
        - exec kube-controller-manager --bind-address=10.0.0.1 --profiling=false && echo done
"""
    findings = lint_text(text, select=["controller-manager-bind-address"])
    assert [(f.span.line, f.span.column, f.container) for f in findings] == [
        (11, 11, "controller-manager"), (17, 11, "wrapped")]
    assert findings[1].message == ("kube-controller-manager --bind-address is set to 10.0.0.1 (expected 127.0.0.1 "
                                   "or ::1 or localhost): its endpoints are reachable from the network")


def test_etcd_reads_environment_variables_and_single_dash_flags(lint_text):
    text = """\
apiVersion: v1
kind: Pod
metadata: {name: etcd, namespace: kube-system}
spec:
  containers:
    - name: etcd
      image: registry.k8s.io/etcd:3.5.21-0
      command: [etcd, -peer-client-cert-auth=false]
      env:
        - name: ETCD_CLIENT_CERT_AUTH
          value: "false"
        - name: ETCD_AUTO_TLS
          valueFrom: {configMapKeyRef: {name: etcd, key: auto-tls}}
"""
    findings = lint_text(text, select=["etcd-client-cert-auth-disabled", "etcd-peer-client-cert-auth-disabled",
                                       "etcd-auto-tls"])
    assert sorted((f.rule, f.span.line, f.span.column, f.message) for f in findings) == [
        ("etcd-client-cert-auth-disabled", 11, 11,
         "etcd --client-cert-auth is set to false (through ETCD_CLIENT_CERT_AUTH): anyone who reaches it can read "
         "and write the cluster state"),
        ("etcd-peer-client-cert-auth-disabled", 8, 23,
         "etcd --peer-client-cert-auth is set to false: any host on the peer port can join or replicate"),
    ]


def test_other_programs_with_similar_flags_are_not_control_plane(lint_text):
    text = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: tools}
spec:
  selector: {matchLabels: {app: tools}}
  template:
    metadata: {labels: {app: tools}}
    spec:
      containers:
        - name: etcdctl
          image: bitnami/etcd:3.5
          command: [etcdctl, --insecure-transport=true, endpoint, health]
        - name: proxy
          image: example/apiserver-proxy:1
          command: [kube-apiserver-proxy, --profiling=true]
"""
    assert lint_text(text, select=["control-plane"]) == []
