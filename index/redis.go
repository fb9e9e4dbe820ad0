package index

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"math"
	neturl "net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a Store in a Redis (or Valkey) database, shared by several
// processes. Postings are kept in 2^RedisBucketBits sorted sets, each
// holding, at score 0, the members key (8 bytes, big-endian) + id of the
// keys that fall in it, so that one key's ids are a ZRANGEBYLEX of its
// prefix: a key of Redis costs some 100 bytes, and a document is filed
// under some 80 keys, so a set a key (as datasketch's Redis storage keeps
// its buckets) took 12.6 GB at 617,000 generated articles. Records are
// strings, and each Apply is one MULTI/EXEC transaction, pipelined. The frequency sketch is kept in shards, one a
// writer slot: a writing process claims a free slot (SET NX with a lease
// it renews), appends each batch's counter changes to its slot's log and
// now and then folds the log into its slot's base, so concurrent writers
// never contend for counters; readers add the slots up. Writers of different documents never lose
// each other's work. Keys start with the prefix "neardup:".
type Redis struct {
	c      *redis.Client
	prefix string
	slot   int     // claimed writer slot, -1 before the first Apply
	token  string  // proves the claim
	shard  []int32 // this slot's counters: base and log
	logged int     // batches in this slot's log
	// Sizes of this slot's base and log, encoded: the log is folded
	// before it outgrows the base, so that readers, who fetch both,
	// fetch at most about twice the base.
	baseBytes, logBytes int
}

// minFoldBytes is the log size below which a slot folds only every
// foldEvery batches.
const minFoldBytes = 4 << 20

// RedisSlots is the number of writer slots, and so the most processes
// that can write to one Redis index at once.
const RedisSlots = 16

const slotLease = 10 * time.Minute

// RedisOptions are how a Redis index is opened; none of them is stored.
type RedisOptions struct {
	// Password is used when the URL carries none.
	Password string
	// Create makes a new index in an empty database; without it a
	// database with no index is an ErrNoIndex error and nothing is
	// written.
	Create bool
}

// IsRedisURL reports whether db names a Redis database rather than a
// file: a redis://, rediss:// (TLS) or unix:// URL.
func IsRedisURL(db string) bool {
	for _, s := range []string{"redis://", "rediss://", "unix://"} {
		if strings.HasPrefix(db, s) {
			return true
		}
	}
	return false
}

// Redact returns the URL db with its password, if any, masked, for
// messages.
func Redact(db string) string {
	u, err := neturl.Parse(db)
	if err != nil || u.User == nil {
		if err != nil && strings.Contains(db, "@") {
			return "(an unreadable URL)"
		}
		return db
	}
	if _, ok := u.User.Password(); ok {
		u.User = neturl.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// OpenRedis connects to the database of a redis://, rediss:// or unix://
// URL (go-redis's syntax, with the database number as /N or ?db=N).
// Errors name the URL with its password masked.
func OpenRedis(ctx context.Context, url string, o RedisOptions) (*Redis, error) {
	where := Redact(url)
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", where, strings.ReplaceAll(err.Error(), url, where))
	}
	if opt.Password == "" {
		opt.Password = o.Password
	}
	opt.MaxRetries = 1
	c := redis.NewClient(opt)
	s := &Redis{c: c, prefix: "neardup:", slot: -1}
	if err := s.open(ctx, o.Create); err != nil {
		c.Close()
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	return s, nil
}

// open checks that the database holds an index, or, when creating one,
// that it holds nothing else.
func (s *Redis) open(ctx context.Context, create bool) error {
	if err := s.c.Ping(ctx).Err(); err != nil {
		return err
	}
	meta, err := s.Meta(ctx)
	if err != nil || meta != nil {
		return err
	}
	if !create {
		return ErrNoIndex
	}
	keys, _, err := s.c.Scan(ctx, 0, "", 1000).Result()
	if err != nil {
		return err
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, s.prefix) {
			return fmt.Errorf("the database holds other data (key %q, and perhaps more): give neardup an empty database of its own", k)
		}
	}
	return nil
}

var _ Store = (*Redis)(nil)

func (s *Redis) key(parts ...string) string { return s.prefix + strings.Join(parts, ":") }

// RedisBucketBits sets the number of sorted sets that hold the postings:
// at a million documents some 20 members each, small enough for Redis's
// compact encoding.
const RedisBucketBits = 22

// postKey returns the sorted set that holds key k's postings.
func (s *Redis) postKey(k uint64) string {
	return s.key("p", strconv.FormatUint(k>>(64-RedisBucketBits), 16))
}

// posting is the member that files id under k.
func posting(k uint64, id string) string {
	return string(binary.BigEndian.AppendUint64(nil, k)) + id
}

// Meta implements Store.
func (s *Redis) Meta(ctx context.Context) ([]byte, error) {
	b, err := s.c.Get(ctx, s.key("meta")).Bytes()
	if err == redis.Nil {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v, ok := unseal(keyParams, b)
	if !ok {
		return nil, damaged("index parameters", nil)
	}
	return v, nil
}

// Records implements Store.
func (s *Redis) Records(ctx context.Context, ids []string) ([][]byte, error) {
	out := make([][]byte, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = s.key("d", id)
	}
	vals, err := s.c.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, err
	}
	for i, v := range vals {
		if str, ok := v.(string); ok {
			rec, ok := unseal([]byte(ids[i]), []byte(str))
			if !ok {
				return nil, damaged(fmt.Sprintf("record of %q", ids[i]), nil)
			}
			out[i] = rec
		}
	}
	return out, nil
}

// Postings implements Store.
func (s *Redis) Postings(ctx context.Context, keys []uint64) ([][]string, error) {
	out := make([][]string, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	cmds := make([]*redis.StringSliceCmd, len(keys))
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			r := &redis.ZRangeBy{Min: "[" + posting(k, ""), Max: "+"}
			if k < math.MaxUint64 {
				r.Max = "(" + posting(k+1, "")
			}
			cmds[i] = p.ZRangeByLex(ctx, s.postKey(k), r)
		}
		return nil
	})
	if err != nil && err != redis.Nil {
		return nil, err
	}
	for i, c := range cmds {
		for _, m := range c.Val() {
			out[i] = append(out[i], m[8:])
		}
	}
	return out, nil
}

// Sketch implements Store: the sum of all slots' bases and logs.
func (s *Redis) Sketch(ctx context.Context) ([]uint16, error) {
	sum := make([]int32, SketchDepth*SketchWidth)
	for i := 0; i < RedisSlots; i++ {
		if _, _, err := s.loadSlot(ctx, i, sum); err != nil {
			return nil, err
		}
	}
	out := make([]uint16, len(sum))
	for i, v := range sum {
		out[i] = uint16(min(max(v, 0), math.MaxUint16))
	}
	return out, nil
}

// loadSlot adds slot i's base and log to counters and returns their
// encoded sizes.
func (s *Redis) loadSlot(ctx context.Context, i int, counters []int32) (baseBytes, logBytes int, err error) {
	bk := s.key("sketch", fmt.Sprint(i))
	b, err := s.c.Get(ctx, bk).Bytes()
	if err != nil && err != redis.Nil {
		return 0, 0, err
	}
	if err := addLog(counters, bk, b); err != nil {
		return 0, 0, err
	}
	lk := s.key("sketchlog", fmt.Sprint(i))
	logs, err := s.c.LRange(ctx, lk, 0, -1).Result()
	if err != nil {
		return 0, 0, err
	}
	for _, l := range logs {
		if err := addLog(counters, lk, []byte(l)); err != nil {
			return 0, 0, err
		}
		logBytes += len(l)
	}
	return len(b), logBytes, nil
}

// addLog adds the changes of one encoded batch, sealed under key, to
// signed counters.
func addLog(counters []int32, key string, sealed []byte) error {
	if sealed == nil {
		return nil
	}
	b, ok := unseal([]byte(key), sealed)
	if !ok {
		return damaged(key, nil)
	}
	if err := eachCell(b, len(counters), func(c int, d int64) { counters[c] += int32(d) }); err != nil {
		return damaged(key, err)
	}
	return nil
}

// claim takes a free writer slot and loads its counters.
func (s *Redis) claim(ctx context.Context) error {
	if s.slot >= 0 {
		return s.c.Expire(ctx, s.key("slot", fmt.Sprint(s.slot)), slotLease).Err()
	}
	var tok [8]byte
	rand.Read(tok[:])
	s.token = hex.EncodeToString(tok[:])
	for i := 0; i < RedisSlots; i++ {
		ok, err := s.c.SetNX(ctx, s.key("slot", fmt.Sprint(i)), s.token, slotLease).Result()
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		s.slot = i
		s.shard = make([]int32, SketchDepth*SketchWidth)
		n, err := s.c.LLen(ctx, s.key("sketchlog", fmt.Sprint(i))).Result()
		if err != nil {
			return err
		}
		s.logged = int(n)
		s.baseBytes, s.logBytes, err = s.loadSlot(ctx, i, s.shard)
		return err
	}
	return fmt.Errorf("all %d writer slots of the Redis index are taken: wait for another writer to finish", RedisSlots)
}

// Len implements Store.
func (s *Redis) Len(ctx context.Context) (int, error) {
	n, err := s.c.SCard(ctx, s.key("docs")).Result()
	return int(n), err
}

// Scan implements Store.
func (s *Redis) Scan(ctx context.Context, fn func(id string, rec []byte) error) error {
	var cursor uint64
	for {
		ids, next, err := s.c.SScan(ctx, s.key("docs"), cursor, "", 500).Result()
		if err != nil {
			return err
		}
		recs, err := s.Records(ctx, ids)
		if err != nil {
			return err
		}
		for i, r := range recs {
			if r != nil {
				if err := fn(ids[i], r); err != nil {
					return err
				}
			}
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}

// Apply implements Store, in one MULTI/EXEC, after checking that no key
// it writes holds another type (Redis would fail that command and still
// run the others).
func (s *Redis) Apply(ctx context.Context, b *Batch) error {
	if b.Cells.Len() > 0 {
		if err := s.claim(ctx); err != nil {
			return err
		}
	}
	if err := s.checkTypes(ctx, b); err != nil {
		return err
	}
	type fold struct{ logged, logBytes, baseBytes int }
	var next *fold
	_, err := s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if b.Meta != nil {
			p.SetNX(ctx, s.key("meta"), seal(keyParams, b.Meta), 0)
		}
		for _, e := range b.Delete {
			p.Del(ctx, s.key("d", e.ID))
			p.SRem(ctx, s.key("docs"), e.ID)
			for _, k := range e.Keys {
				p.ZRem(ctx, s.postKey(k), posting(k, e.ID))
			}
		}
		for _, e := range b.Put {
			p.Set(ctx, s.key("d", e.ID), seal([]byte(e.ID), e.Record), 0)
			p.SAdd(ctx, s.key("docs"), e.ID)
			for _, k := range e.Keys {
				p.ZAdd(ctx, s.postKey(k), redis.Z{Member: posting(k, e.ID)})
			}
		}
		if b.Report != nil {
			var tok [8]byte
			rand.Read(tok[:])
			field := hex.EncodeToString(tok[:])
			p.HSet(ctx, s.key("undelivered"), field, seal([]byte(field), b.Report))
		}
		if len(b.Delivered) > 0 {
			p.HDel(ctx, s.key("undelivered"), b.Delivered...)
		}
		if b.Cells.Len() > 0 {
			slot := fmt.Sprint(s.slot)
			entry := encodeCells(b.Cells)
			if s.logged+1 < foldEvery && s.logBytes+len(entry) <= max(s.baseBytes, minFoldBytes) {
				lk := s.key("sketchlog", slot)
				p.RPush(ctx, lk, seal([]byte(lk), entry))
				next = &fold{s.logged + 1, s.logBytes + len(entry), s.baseBytes}
			} else {
				// Fold: this slot's counters, base and log, become its
				// base, encoded as a log of its nonzero counters: a reader
				// fetches a fraction of 4 bytes a counter.
				shard := slices.Clone(s.shard)
				for i, c := range b.Cells.At {
					shard[c] += b.Cells.Delta[i]
				}
				base := encodeDense(shard)
				bk := s.key("sketch", slot)
				p.Set(ctx, bk, seal([]byte(bk), base), 0)
				p.Del(ctx, s.key("sketchlog", slot))
				next = &fold{0, 0, len(base)}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The slot's state follows the database only once EXEC succeeded.
	if next != nil {
		for i, c := range b.Cells.At {
			s.shard[c] += b.Cells.Delta[i]
		}
		s.logged, s.logBytes, s.baseBytes = next.logged, next.logBytes, next.baseBytes
	}
	return nil
}

// checkTypes fails if a key b writes holds a value of another type.
func (s *Redis) checkTypes(ctx context.Context, b *Batch) error {
	want := map[string]string{s.key("docs"): "set", s.key("undelivered"): "hash"}
	for _, es := range [][]Entry{b.Put, b.Delete} {
		for _, e := range es {
			want[s.key("d", e.ID)] = "string"
			for _, k := range e.Keys {
				want[s.postKey(k)] = "zset"
			}
		}
	}
	if b.Cells.Len() > 0 {
		want[s.key("sketchlog", fmt.Sprint(s.slot))] = "list"
		want[s.key("sketch", fmt.Sprint(s.slot))] = "string"
	}
	if b.Meta != nil {
		want[s.key("meta")] = "string"
	}
	keys := slices.Collect(maps.Keys(want))
	slices.Sort(keys)
	cmds := make([]*redis.StatusCmd, len(keys))
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.Type(ctx, k)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, c := range cmds {
		if t := c.Val(); t != "none" && t != want[keys[i]] {
			return fmt.Errorf("key %q holds a %s, not the %s neardup keeps there: another program writes to this database; nothing of this batch was written", keys[i], t, want[keys[i]])
		}
	}
	return nil
}

// Verify reads every stored record, the frequency sketch and the
// undelivered reports, and returns the problems found (none: sound).
// Postings carry no checksum in Redis, which keeps them in its memory.
func (s *Redis) Verify(ctx context.Context) []error {
	var problems []error
	err := s.Scan(ctx, func(id string, rec []byte) error {
		if _, _, err := decodeRecord(rec); err != nil {
			problems = append(problems, damaged(fmt.Sprintf("record of %q", id), err))
		}
		return nil
	})
	if err != nil {
		problems = append(problems, err)
	}
	if _, err := s.Sketch(ctx); err != nil {
		problems = append(problems, err)
	}
	if _, err := s.Undelivered(ctx); err != nil {
		problems = append(problems, err)
	}
	return problems
}

// Undelivered implements Store.
func (s *Redis) Undelivered(ctx context.Context) ([]Receipt, error) {
	m, err := s.c.HGetAll(ctx, s.key("undelivered")).Result()
	if err != nil {
		return nil, err
	}
	out := make([]Receipt, 0, len(m))
	for k, v := range m {
		r, ok := unseal([]byte(k), []byte(v))
		if !ok {
			return nil, damaged(fmt.Sprintf("undelivered report %s", k), nil)
		}
		out = append(out, Receipt{Key: k, Report: r})
	}
	slices.SortFunc(out, func(a, b Receipt) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// Close implements Store, freeing the writer slot.
func (s *Redis) Close() error {
	if s.slot >= 0 {
		key := s.key("slot", fmt.Sprint(s.slot))
		// Closing must free the slot even when the run's context is done.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if v, _ := s.c.Get(ctx, key).Result(); v == s.token {
			s.c.Del(ctx, key)
		}
	}
	return s.c.Close()
}
