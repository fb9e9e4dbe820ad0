package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestCommandAsScan runs the command as a user would, under prism, on the
// seeds, and requires the report neardup scan writes, byte for byte.
func TestCommandAsScan(t *testing.T) {
	dir := t.TempDir()
	beamBin, scanBin := filepath.Join(dir, "neardup-beam"), filepath.Join(dir, "neardup")
	for _, b := range []struct{ out, pkg, dir string }{{beamBin, ".", "."}, {scanBin, "./cmd/neardup", "../../.."}} {
		cmd := exec.Command("go", "build", "-o", b.out, b.pkg)
		cmd.Dir = b.dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b.pkg, err, out)
		}
	}
	seeds := "../../../testdata/seeds"
	got, want := filepath.Join(dir, "beam.json"), filepath.Join(dir, "scan.json")
	if out, err := exec.Command(beamBin, "--runner", "prism", "--format", "json", "-o", got, seeds).CombinedOutput(); err != nil {
		t.Fatalf("neardup-beam: %v\n%s", err, out)
	}
	if out, err := exec.Command(scanBin, "scan", "-q", "--format", "json", "-o", want, seeds).CombinedOutput(); err != nil {
		t.Fatalf("neardup scan: %v\n%s", err, out)
	}
	a, _ := os.ReadFile(got)
	b, _ := os.ReadFile(want)
	if len(b) == 0 || string(a) != string(b) {
		t.Errorf("neardup-beam's report differs from neardup scan's:\n%s\nscan:\n%s", a, b)
	}
	// Without an output or a path it says how to use it, and fails.
	if err := exec.Command(beamBin, seeds).Run(); err == nil {
		t.Error("no -o: no error")
	}
}
