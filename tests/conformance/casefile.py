"""Read and write tests/conformance/cases/*.test files (format: README.md)."""
import os

MARK = "%%% "


def parse(path):
    cases, cur, sec, lines = [], None, None, []

    def close_section():
        nonlocal sec, lines
        if cur is not None and sec is not None:
            text = "\n".join(lines)
            if sec[0] == "file":
                cur["files"].append((sec[1], text))
            else:
                cur[sec[0]] = text
        sec, lines = None, []

    with open(path, encoding="utf-8", newline="") as f:
        raw = f.read().split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    for n, line in enumerate(raw, 1):
        if line.startswith(MARK):
            close_section()
            word, _, rest = line[len(MARK):].partition(" ")
            if word == "case":
                cur = {"name": rest, "files": [], "line": n}
                cases.append(cur)
            elif word == "end":
                cur = None
            elif word in ("template", "values", "output", "error"):
                sec = (word,)
            elif word == "file":
                sec = ("file", rest)
            else:
                raise SystemExit(f"{path}:{n}: unknown marker {line!r}")
            if cur is None and word not in ("end",):
                if word != "case":
                    raise SystemExit(f"{path}:{n}: section outside a case")
        elif sec is not None:
            lines.append(line)
    close_section()
    return cases


def write(path, cases):
    out = []
    for c in cases:
        out.append(MARK + "case " + c["name"])
        out.append(MARK + "template")
        out.append(c.get("template", ""))
        if "values" in c:
            out.append(MARK + "values")
            out.append(c["values"])
        for p, t in c["files"]:
            out.append(MARK + "file " + p)
            out.append(t)
        if "error" in c:
            out.append(MARK + "error")
            out.append(c["error"])
        elif "output" in c:
            out.append(MARK + "output")
            out.append(c["output"])
        out.append(MARK + "end")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(out) + "\n")


def make_chart(case, root):
    """Lay the case out as a chart directory under root; return its path."""
    d = os.path.join(root, "conf")
    os.makedirs(os.path.join(d, "templates"), exist_ok=True)
    with open(os.path.join(d, "Chart.yaml"), "w") as f:
        f.write("apiVersion: v2\nname: conf\nversion: 0.1.0\nappVersion: 1.0.0\n")
    with open(os.path.join(d, "values.yaml"), "w", encoding="utf-8", newline="") as f:
        f.write(case.get("values", ""))
    with open(os.path.join(d, "templates", "NOTES.txt"), "w", encoding="utf-8", newline="") as f:
        f.write(case.get("template", ""))
    for p, t in case["files"]:
        fp = os.path.join(d, p)
        os.makedirs(os.path.dirname(fp), exist_ok=True)
        with open(fp, "w", encoding="utf-8", newline="") as f:
            f.write(t)
    return d
