"""Committed helm template output, Go templates outside charts, and line markers."""

from __future__ import annotations

import re

from kspm_lint.helm import SourceComment, is_go_template, is_helm_output, source_comments
from kspm_lint.helm.engines import split_sources
from kspm_lint.helm.markers import make_marked_copy, mark_text, strip_marks, trim_documents

RENDERED = """\
---
# Source: shop/charts/cache/templates/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: rel-cache
---
# Source: shop/templates/empty.yaml
---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: rel-shop
---
# Source: shop/templates/deployment.yaml
apiVersion: v1
kind: Service
metadata:
  name: rel-shop
"""


def test_source_comments_give_chart_name_and_template_per_document():
    assert source_comments(RENDERED) == [
        SourceComment(0, "shop", "charts/cache/templates/statefulset.yaml", 2),
        SourceComment(1, "shop", "templates/deployment.yaml", 10),
        SourceComment(2, "shop", "templates/deployment.yaml", 16),
    ]
    assert is_helm_output(RENDERED)


def test_a_source_comment_inside_a_document_is_not_a_header():
    text = "apiVersion: v1\nkind: ConfigMap\n# Source: shop/templates/x.yaml\n"
    assert source_comments(text) == []
    assert not is_helm_output("apiVersion: v1\nkind: Pod\n")


def test_first_document_without_separator():
    text = "# Source: web/templates/pod.yaml\napiVersion: v1\nkind: Pod\n"
    assert source_comments(text) == [SourceComment(0, "web", "templates/pod.yaml", 1)]


def test_split_binary_output_by_template():
    assert split_sources(RENDERED) == {
        "shop/charts/cache/templates/statefulset.yaml":
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: rel-cache\n",
        "shop/templates/empty.yaml": "",
        "shop/templates/deployment.yaml":
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: rel-shop\n---\n"
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: rel-shop\n",
    }


def test_go_template_outside_a_chart():
    assert is_go_template("apiVersion: v1\nkind: ConfigMap\n{{- range .Items }}\n  {{ .Name }}: x\n{{- end }}\n")
    # actions YAML accepts (a quoted value) leave a manifest that is linted as it is
    assert not is_go_template('apiVersion: v1\nkind: ConfigMap\ndata:\n  a: "{{ .Value }}"\n')
    assert not is_go_template("apiVersion: v1\nkind: ConfigMap\ndata: {a: [1\n")  # broken YAML, no action
    assert not is_go_template("a: b\n")


def test_markers_go_where_they_cannot_change_the_render():
    template = (
        'kind: ConfigMap\n'                       # 1 marked
        '{{- define "x.name" }}\n'                # 2 define: never
        '{{ .Release.Name }}\n'                   # 3 inside define, not a key line
        'key: {{ .Values.a }}\n'                  # 4 key line inside define: marked
        '{{- end }}\n'                            # 5 inside define: not a key line
        'data:\n'                                 # 6
        '  script: |\n'                           # 7 block scalar header: marked
        '    echo {{ .Values.b }}\n'              # 8 inside the block scalar: never
        '\n'                                      # 9 blank
        '  a: {{ .Values.c -}}\n'                 # 10 right trim: never
        '  {{- if .Values.d }}\n'                 # 11 marked
        '  b: {{ include "x"\n'                   # 12 action continues on the next line: never
        '       . }}\n'                           # 13 started inside an action: never
        '  {{/* a comment */}}\n'                 # 14 comment: never
    )
    assert mark_text(template, 3).split("\n") == [
        "kind: ConfigMap #@kspm:3.1@",
        '{{- define "x.name" }}',
        "{{ .Release.Name }}",
        "key: {{ .Values.a }} #@kspm:3.4@",
        "{{- end }}",
        "data: #@kspm:3.6@",
        "  script: | #@kspm:3.7@",
        "    echo {{ .Values.b }}",
        "",
        "  a: {{ .Values.c -}}",
        "  {{- if .Values.d }} #@kspm:3.11@",
        '  b: {{ include "x"',
        "       . }}",
        "  {{/* a comment */}}",
        "",
    ]


def test_stripping_keeps_lines_and_distrusts_changed_ones():
    table = strip_marks(
        "a: 1 #@kspm:0.1@ #@kspm:0.2@\nb: 2x #@kspm:0.3@\nc: 3\nd #@kspm:0.5@\n- e #@kspm:0.6@\n",
        "a: 1\nb: 2\nc: 3\nx\n- f\n",
    )
    assert table is not None
    assert [(line.marks, line.verified) for line in table] == [
        (((0, 1), (0, 2)), True),  # the first marker is the line's own
        (((0, 3),), True),  # same key, other value (a random name, a checksum)
        ((), True),
        ((), False),  # other text: the marker is not trusted
        ((), False),
        ((), True),
    ]
    assert strip_marks("a: 1\nb: 2\n", "a: 1\n") is None


def _helm_template_stream(manifests: dict[str, str]) -> str:
    """What the helm binary prints for these rendered templates (its documented
    processing: split each file at ---, trim each document, drop empty ones, print each
    under a ``# Source:`` header; the binary also orders documents by kind, which
    changes nothing here: marked and plain renders are ordered alike)."""
    separator = re.compile(r"(?:^|\s*\n)---\s*")
    out = []
    for name in sorted(manifests):
        for document in separator.split(manifests[name].strip()):
            if document.strip():
                out.append(f"---\n# Source: {name}\n{document.strip()}\n")
    return "".join(out)


def test_markers_survive_the_binarys_document_trimming(tmp_path):
    """The binary is not on this machine: its output is built from the SDK's render the
    way Helm builds it, and the marked render must still line up with the plain one."""
    from helm_python import Chart

    copy = make_marked_copy("examples/helm/shop", str(tmp_path))
    with Chart.load("examples/helm/shop") as chart:
        plain = split_sources(_helm_template_stream(chart.render({}, name="r")))
    with Chart.load(copy.chart_dir) as chart:
        marked = split_sources(_helm_template_stream(chart.render({}, name="r")))
    marked = {name: trim_documents(text) for name, text in marked.items()}
    deployment = "shop/templates/deployment.yaml"
    assert set(plain) == set(marked)
    table = strip_marks(marked[deployment], plain[deployment])
    assert table is not None and all(line.verified for line in table)
    # the literal privileged key (rendered line 38) comes from template line 33
    assert plain[deployment].split("\n")[37].strip() == "privileged: true"
    assert table[37].marks == ((copy.files.index("templates/deployment.yaml"), 33),)


def test_a_marker_only_first_line_is_trimmed_like_the_binary_trims(tmp_path):
    from helm_python import Chart

    chart_dir = "tests/helm/charts/switchable"
    copy = make_marked_copy(chart_dir, str(tmp_path))
    with Chart.load(chart_dir) as chart:
        plain = split_sources(_helm_template_stream(chart.render({}, name="r")))
    with Chart.load(copy.chart_dir) as chart:
        raw = split_sources(_helm_template_stream(chart.render({}, name="r")))
    name = "switchable/templates/pod.yaml"
    assert raw[name].startswith("#@kspm:0.1@\napiVersion: v1 #@kspm:0.2@\n")
    assert strip_marks(raw[name], plain[name]) is None  # one line more: not aligned
    table = strip_marks(trim_documents(raw[name]), plain[name])
    assert table is not None and table[0].marks == ((0, 2),)
