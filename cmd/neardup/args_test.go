package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestFlagsAnywhere gives flags after the paths, as people type them.
func TestFlagsAnywhere(t *testing.T) {
	_, want, _ := neardup(t, "scan", "-q", "--format", "json", seeds)
	for _, args := range [][]string{
		{"scan", seeds, "--format", "json", "-q"},
		{"scan", seeds, "--format=json", "--quiet"},
		{"scan", "-q", seeds, "-f", "json"},
	} {
		code, got, errs := neardup(t, args...)
		if code != 0 || got != want {
			t.Errorf("%q: exit %d: %s", args, code, errs)
		}
	}
	// After --, everything is a path, even what looks like a flag.
	dir := t.TempDir()
	data, _ := os.ReadFile(filepath.Join(seeds, "000_a86943d9168e89d9.txt"))
	os.WriteFile(filepath.Join(dir, "-odd.txt"), data, 0o644)
	t.Chdir(dir)
	code, out, errs := neardup(t, "scan", "--format", "csv", "--", "-odd.txt", "-odd.txt")
	if code != 0 || !strings.HasPrefix(out, "a,title_a,") {
		t.Errorf("a path after --: exit %d\n%s%s", code, out, errs)
	}
}

func TestReorder(t *testing.T) {
	app := newApp(nil, nil)
	for _, c := range []struct{ in, want []string }{
		{[]string{"nd", "scan", "a", "--format", "json", "b"}, []string{"nd", "scan", "--format", "json", "a", "b"}},
		{[]string{"nd", "scan", "a", "-q", "b"}, []string{"nd", "scan", "-q", "a", "b"}},
		{[]string{"nd", "index", "add", "x/", "--db", "i.idx"}, []string{"nd", "index", "add", "--db", "i.idx", "x/"}},
		{[]string{"nd", "scan", "a", "--", "-b", "--format"}, []string{"nd", "scan", "--", "a", "-b", "--format"}},
		{[]string{"nd", "scan", "-", "--format", "csv"}, []string{"nd", "scan", "--format", "csv", "-"}},
		{[]string{"nd", "frob", "a", "--x"}, []string{"nd", "frob", "a", "--x"}},
	} {
		if got := reorder(app, c.in); !slices.Equal(got, c.want) {
			t.Errorf("reorder(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestVersionAndCompletion asks for the version and each shell's
// completion script, and for an index command that does not exist.
func TestVersionAndCompletion(t *testing.T) {
	code, out, _ := neardup(t, "--version")
	if code != 0 || !strings.HasPrefix(out, "neardup version ") || !strings.Contains(out, "go1.") {
		t.Errorf("--version: exit %d: %q", code, out)
	}
	for shell, want := range map[string]string{"bash": "complete -o bashdefault", "zsh": "#compdef neardup", "fish": "complete -c neardup"} {
		code, out, errs := neardup(t, "completion", shell)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("completion %s: exit %d: %.200s%s", shell, code, out, errs)
		}
	}
	code, _, errs := neardup(t, "index", "check")
	if code != 2 || !strings.Contains(errs, "check is a command of its own") {
		t.Errorf("index check: exit %d: %s", code, errs)
	}
	code, _, errs = neardup(t, "frobnicate")
	if code != 2 || !strings.Contains(errs, "scan, compare, check, index, eval, completion") {
		t.Errorf("an unknown command: exit %d: %s", code, errs)
	}
}
