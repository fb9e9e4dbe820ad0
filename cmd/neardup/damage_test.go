package main

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var damageSalt = flag.Uint64("damage-salt", 99, "varies the damage TestDamagedIndex makes")
var damageSeeds = flag.Int("damage-seeds", 30, "damaged copies of the index TestDamagedIndex makes in each way")

// TestDamagedIndex damages copies of an index file in three ways (20
// flipped bits, a zeroed page, a truncation), each over many seeds, and
// runs check, index pairs, index add and index verify on each as
// separate processes. None may panic or die on a signal; each either
// answers as on the sound file or reports the damage (exit 3); and index
// verify reports damage whenever any of them did not answer as on the
// sound file.
func TestDamagedIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("runs some 500 processes")
	}
	dir, lines := corpusLines(t, 400)
	indexed, probe, more := filepath.Join(dir, "indexed.jsonl"), filepath.Join(dir, "probe.jsonl"), filepath.Join(dir, "more.jsonl")
	os.WriteFile(indexed, []byte(strings.Join(lines[:300], "")), 0o644)
	// Probes copy some indexed articles under new ids.
	var p strings.Builder
	for i := 0; i < 300; i += 50 {
		p.WriteString(strings.Replace(lines[i], `"id":"doc`, `"id":"probe`, 1))
	}
	os.WriteFile(probe, []byte(p.String()), 0o644)
	os.WriteFile(more, []byte(strings.Join(lines[300:], "")), 0o644)
	sound := filepath.Join(dir, "sound.idx")
	if code, _, errs := neardup(t, "index", "add", "-q", "--batch", "20", "--db", sound, "-o", os.DevNull, indexed); code != 0 {
		t.Fatal(errs)
	}
	orig, err := os.ReadFile(sound)
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		code     int
		out, err string
	}
	run := func(db string, args ...string) answer {
		var out, errb bytes.Buffer
		cmd := exec.Command(self, args...)
		cmd.Env = append(os.Environ(), "NEARDUP_AS_MAIN=1")
		cmd.Stdout, cmd.Stderr = &out, &errb
		cmd.Run()
		return answer{cmd.ProcessState.ExitCode(), out.String(), errb.String()}
	}
	commands := func(db string) map[string][]string {
		return map[string][]string{
			"check": {"check", "-q", "--fail-on-match", "--format", "csv", "--db", db, probe},
			"pairs": {"index", "pairs", "-q", "--format", "csv", "--db", db},
			"add":   {"index", "add", "-q", "--format", "csv", "--db", db, more},
		}
	}
	want := map[string]answer{}
	for name, args := range commands(sound) {
		if name == "add" {
			os.WriteFile(filepath.Join(dir, "w.idx"), orig, 0o644)
			args = commands(filepath.Join(dir, "w.idx"))[name]
		}
		want[name] = run(sound, args...)
		if c := want[name].code; c != 0 && c != 1 {
			t.Fatalf("%s on the sound file: exit %d: %s", name, c, want[name].err)
		}
	}
	if want["check"].code != 1 {
		t.Fatal("the probes match nothing on the sound file: the test tests less than it says")
	}
	if a := run(sound, "index", "verify", "--db", sound); a.code != 0 {
		t.Fatalf("verify of the sound file: exit %d: %s%s", a.code, a.out, a.err)
	}
	const page = 4096
	damages := map[string]func(b []byte, rng *rand.Rand) []byte{
		"20 flipped bits": func(b []byte, rng *rand.Rand) []byte {
			for range 20 {
				i := rng.IntN(len(b))
				b[i] ^= 1 << rng.IntN(8)
			}
			return b
		},
		"a zeroed page": func(b []byte, rng *rand.Rand) []byte {
			at := rng.IntN(len(b)/page) * page
			clear(b[at : at+page])
			return b
		},
		"truncated": func(b []byte, rng *rand.Rand) []byte { return b[:rng.IntN(len(b))] },
	}
	seeds := *damageSeeds
	for kind, damage := range damages {
		detected, unchanged := 0, 0
		for seed := range seeds {
			rng := rand.New(rand.NewPCG(uint64(seed), *damageSalt))
			db := filepath.Join(dir, fmt.Sprintf("damaged-%d.idx", seed))
			bad := damage(bytes.Clone(orig), rng)
			affected := false
			for name, args := range commands(db) {
				os.WriteFile(db, bad, 0o644) // afresh: add writes
				got := run(db, args...)
				what := fmt.Sprintf("%s, seed %d, %s", kind, seed, name)
				if got.code < 0 || strings.Contains(got.err, "panic") || strings.Contains(got.err, "fatal error") || strings.Contains(got.err, "goroutine ") {
					t.Fatalf("%s: exit %d:\n%.2000s", what, got.code, got.err)
				}
				switch {
				case got.code == 3 && strings.Contains(got.err, "index damaged"):
					affected = true
				case got.code == want[name].code && got.out == want[name].out:
				default:
					affected = true
					t.Errorf("%s: answered around the damage: exit %d (want %d or 3)\n%.500s\n%.500s", what, got.code, want[name].code, got.out, got.err)
				}
			}
			os.WriteFile(db, bad, 0o644)
			v := run(db, "index", "verify", "--db", db)
			if v.code < 0 || strings.Contains(v.err, "panic") {
				t.Fatalf("%s, seed %d, verify: exit %d:\n%.2000s", kind, seed, v.code, v.err)
			}
			switch {
			case v.code == 3:
				detected++
			case affected:
				t.Errorf("%s, seed %d: a command met the damage, verify found none: exit %d\n%s%s", kind, seed, v.code, v.out, v.err)
			default:
				unchanged++
			}
		}
		t.Logf("%s: verify found damage in %d of %d files; %d left every answer as it was", kind, detected, seeds, unchanged)
	}
}
