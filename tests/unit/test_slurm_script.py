"""tools/slurm-local.sh writes slurm.conf and slurmdbd.conf from unquoted here-documents, so the
shell expands them.  A command substitution in such a body runs at every ``start``: a comment that
quoted `scontrol show config` in backticks pasted the live configuration (200 lines of
"Key = value sec") into slurm.conf on the second start, and slurmctld never came up again (CI, stop 17).
Only variables may be expanded there."""
import re
from pathlib import Path

# not `from conftest import REPO`: with the whole suite collected, `conftest` is whichever
# conftest.py was imported first (tests/reference/conftest.py has no REPO)
REPO = Path(__file__).resolve().parents[2]

SCRIPT = REPO / "tools" / "slurm-local.sh"


def _unquoted_heredoc_bodies(text):
    lines = text.splitlines()
    bodies, i = [], 0
    while i < len(lines):
        m = re.search(r"<<-?\s*([A-Za-z_]+)\b", lines[i])
        if m and not re.search(r"<<-?\s*['\"]", lines[i]):
            end, body = m.group(1), []
            i += 1
            while i < len(lines) and lines[i].strip() != end:
                body.append((i + 1, lines[i]))
                i += 1
            bodies.append(body)
        i += 1
    return bodies


def test_finds_the_configuration_heredocs():
    bodies = _unquoted_heredoc_bodies(SCRIPT.read_text())
    assert len(bodies) >= 2                          # slurm.conf, slurmdbd.conf (and the SQL)
    assert any("ClusterName=" in line for body in bodies for _, line in body)


def test_no_command_substitution_in_expanded_heredocs():
    bad = [(n, line) for body in _unquoted_heredoc_bodies(SCRIPT.read_text())
           for n, line in body if "`" in line or "$(" in line]
    assert bad == [], f"tools/slurm-local.sh runs commands while writing its configuration: {bad}"


def test_the_check_catches_backticks():
    sample = "cat >f <<EOF\n# runs `scontrol show config`\nEOF\n"
    assert any("`" in line for body in _unquoted_heredoc_bodies(sample) for _, line in body)
