package carecrypto

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"testing"
)

func sealRaw(t *testing.T, key, plain []byte, chunkSize int) []byte {
	t.Helper()
	var prefix [NoncePrefixSize]byte
	rand.Read(prefix[:])
	var out bytes.Buffer
	bw, err := newBlobWriter(&out, key, chunkSize, prefix)
	if err != nil {
		t.Fatal(err)
	}
	// Write in odd-sized pieces so chunking does not depend on write sizes.
	for p := plain; len(p) > 0; {
		n := min(len(p), 37)
		if _, err := bw.Write(p[:n]); err != nil {
			t.Fatal(err)
		}
		p = p[n:]
	}
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func openRaw(key, blob []byte) ([]byte, error) {
	br, err := NewBlobReader(bytes.NewReader(blob), key)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(br)
}

func TestBlobRoundTrip(t *testing.T) {
	key, _ := NewDataKey()
	const cs = 64
	for _, size := range []int{0, 1, cs - 1, cs, cs + 1, 2 * cs, 3*cs + 5, 10000} {
		plain := make([]byte, size)
		rand.Read(plain)
		blob := sealRaw(t, key, plain, cs)
		chunks := max(1, (size+cs-1)/cs)
		if want := BlobHeaderSize + size + chunks*TagSize; len(blob) != want {
			t.Fatalf("size %d: blob is %d bytes, want %d", size, len(blob), want)
		}
		got, err := openRaw(key, blob)
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if !bytes.Equal(got, plain) {
			t.Fatalf("size %d: round trip differs", size)
		}
	}
}

func TestBlobDetectsTampering(t *testing.T) {
	key, _ := NewDataKey()
	const cs = 64
	plain := make([]byte, 4*cs+10) // 5 chunks, the last one short
	rand.Read(plain)
	blob := sealRaw(t, key, plain, cs)
	ct := cs + TagSize
	chunk := func(i int) []byte {
		s := BlobHeaderSize + i*ct
		return blob[s:min(s+ct, len(blob))]
	}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	header := blob[:BlobHeaderSize]

	other, _ := NewDataKey()
	if _, err := openRaw(other, blob); !errors.Is(err, ErrBlobAuth) {
		t.Fatalf("wrong key: got %v, want ErrBlobAuth", err)
	}

	cases := map[string]struct {
		blob []byte
		want error
	}{
		"bit flip in a chunk":          {flip(blob, BlobHeaderSize+ct+3), ErrBlobAuth},
		"bit flip in a tag":            {flip(blob, len(blob)-1), ErrBlobAuth},
		"bit flip in the nonce prefix": {flip(blob, BlobHeaderSize-1), ErrBlobAuth},
		"chunk size changed":           {flip(blob, len(BlobMagic)+5), ErrBlobAuth},
		"bad magic":                    {flip(blob, 0), ErrBlobFormat},
		"unknown version":              {flip(blob, len(BlobMagic)), ErrBlobFormat},
		"unknown scheme":               {flip(blob, len(BlobMagic)+1), ErrBlobFormat},
		"short header":                 {blob[:BlobHeaderSize-1], ErrBlobFormat},
		"header only":                  {header, ErrBlobTruncated},
		"last chunk dropped":           {cat(header, chunk(0), chunk(1), chunk(2), chunk(3)), ErrBlobTruncated},
		"cut inside a chunk":           {blob[:BlobHeaderSize+2*ct+20], ErrBlobAuth},
		"chunks swapped":               {cat(header, chunk(1), chunk(0), chunk(2), chunk(3), chunk(4)), ErrBlobAuth},
		"chunk duplicated":             {cat(header, chunk(0), chunk(0), chunk(1), chunk(2), chunk(3), chunk(4)), ErrBlobAuth},
		"data appended":                {cat(blob, chunk(1)), ErrBlobAuth},
		"one byte appended":            {cat(blob, []byte{0}), ErrBlobAuth},
	}
	for name, c := range cases {
		got, err := openRaw(key, c.blob)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", name, err, c.want)
		}
		_ = got
	}
}

// TestBlobReaderReleasesNoUnauthenticatedData checks that a reader never
// hands out bytes of a chunk that fails authentication.
func TestBlobReaderReleasesNoUnauthenticatedData(t *testing.T) {
	key, _ := NewDataKey()
	const cs = 64
	plain := bytes.Repeat([]byte("x"), 3*cs)
	blob := flip(sealRaw(t, key, plain, cs), BlobHeaderSize+cs+TagSize+1) // second chunk altered
	br, _ := NewBlobReader(bytes.NewReader(blob), key)
	got, err := io.ReadAll(br)
	if !errors.Is(err, ErrBlobAuth) {
		t.Fatalf("got %v, want ErrBlobAuth", err)
	}
	if len(got) != cs {
		t.Fatalf("reader returned %d bytes, want only the %d of the first (authentic) chunk", len(got), cs)
	}
	// Errors are sticky.
	if _, err := br.Read(make([]byte, 10)); !errors.Is(err, ErrBlobAuth) {
		t.Fatalf("second read: %v", err)
	}
}

func TestBlobWriterRejectsBadKeys(t *testing.T) {
	if _, err := NewBlobWriter(io.Discard, make([]byte, 16)); err == nil {
		t.Fatal("16-byte key accepted")
	}
	if _, err := NewBlobReader(bytes.NewReader(nil), nil); err == nil {
		t.Fatal("nil key accepted")
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x01
	return c
}

func FuzzBlobReader(f *testing.F) {
	key := bytes.Repeat([]byte{7}, DataKeySize)
	var prefix [NoncePrefixSize]byte
	var buf bytes.Buffer
	bw, _ := newBlobWriter(&buf, key, MinChunkSize, prefix)
	bw.Write(bytes.Repeat([]byte("a"), 200))
	bw.Close()
	f.Add(buf.Bytes())
	f.Add([]byte("CCBLOB"))
	f.Fuzz(func(t *testing.T, blob []byte) {
		br, _ := NewBlobReader(bytes.NewReader(blob), key)
		out, err := io.ReadAll(br)
		if err == nil && len(out) > len(blob) {
			t.Fatal("more plaintext than ciphertext")
		}
	})
}
