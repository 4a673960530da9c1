package carecrypto

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/chacha20poly1305"
)

// Blob format constants. See doc.go for the byte layout.
const (
	// BlobMagic opens every blob.
	BlobMagic = "CCBLOB"
	// BlobVersion is the format version this package writes.
	BlobVersion byte = 1
	// BlobSchemeXChaCha20Poly1305Stream identifies the chunked
	// XChaCha20-Poly1305 STREAM construction.
	BlobSchemeXChaCha20Poly1305Stream byte = 1

	// DefaultChunkSize is the plaintext size of every chunk but the last.
	DefaultChunkSize = 64 << 10
	// MinChunkSize and MaxChunkSize bound the chunk size a reader accepts,
	// which bounds the memory a (possibly hostile) blob can make it use.
	MinChunkSize = 64
	MaxChunkSize = 1 << 20

	// BlobHeaderSize is the length of the blob header.
	BlobHeaderSize = len(BlobMagic) + 1 + 1 + 4 + NoncePrefixSize
	// NoncePrefixSize is the random per-blob part of every chunk nonce.
	NoncePrefixSize = chacha20poly1305.NonceSizeX - 4 - 1
	// TagSize is the Poly1305 tag appended to every chunk.
	TagSize = chacha20poly1305.Overhead
	// DataKeySize is the length of a document's data key.
	DataKeySize = chacha20poly1305.KeySize

	maxChunks = 1 << 32
)

var (
	// ErrBlobFormat means the blob header is not one this package reads.
	ErrBlobFormat = errors.New("carecrypto: not a supported blob")
	// ErrBlobAuth means a chunk failed authentication: the data key is
	// wrong or the blob was altered.
	ErrBlobAuth = errors.New("carecrypto: blob authentication failed (wrong key or altered blob)")
	// ErrBlobTruncated means the blob ends before its final chunk.
	ErrBlobTruncated = errors.New("carecrypto: blob is truncated")
	// ErrBlobTooLong means more chunks than the nonce counter can number.
	ErrBlobTooLong = errors.New("carecrypto: blob exceeds the maximum number of chunks")
)

// NewDataKey returns a fresh random 256-bit data key.
func NewDataKey() ([]byte, error) {
	k := make([]byte, DataKeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	return k, nil
}

type blobHeader struct {
	chunkSize   int
	noncePrefix [NoncePrefixSize]byte
}

func (h blobHeader) marshal() []byte {
	b := make([]byte, 0, BlobHeaderSize)
	b = append(b, BlobMagic...)
	b = append(b, BlobVersion, BlobSchemeXChaCha20Poly1305Stream)
	b = binary.BigEndian.AppendUint32(b, uint32(h.chunkSize))
	b = append(b, h.noncePrefix[:]...)
	return b
}

func parseBlobHeader(b []byte) (blobHeader, error) {
	var h blobHeader
	if len(b) != BlobHeaderSize || string(b[:len(BlobMagic)]) != BlobMagic {
		return h, fmt.Errorf("%w: bad magic", ErrBlobFormat)
	}
	p := len(BlobMagic)
	if b[p] != BlobVersion {
		return h, fmt.Errorf("%w: version %d", ErrBlobFormat, b[p])
	}
	if b[p+1] != BlobSchemeXChaCha20Poly1305Stream {
		return h, fmt.Errorf("%w: scheme %d", ErrBlobFormat, b[p+1])
	}
	cs := binary.BigEndian.Uint32(b[p+2:])
	if cs < MinChunkSize || cs > MaxChunkSize {
		return h, fmt.Errorf("%w: chunk size %d outside [%d, %d]", ErrBlobFormat, cs, MinChunkSize, MaxChunkSize)
	}
	h.chunkSize = int(cs)
	copy(h.noncePrefix[:], b[p+6:])
	return h, nil
}

// chunkNonce is prefix ‖ uint32_be(counter) ‖ last-chunk flag (STREAM).
func chunkNonce(dst []byte, prefix *[NoncePrefixSize]byte, counter uint64, last bool) []byte {
	dst = append(dst[:0], prefix[:]...)
	dst = binary.BigEndian.AppendUint32(dst, uint32(counter))
	if last {
		return append(dst, 1)
	}
	return append(dst, 0)
}

// blobWriter encrypts a plaintext stream into a blob. It holds one chunk
// of plaintext and one of ciphertext, whatever the stream's length.
type blobWriter struct {
	w       io.Writer
	aead    cipher.AEAD
	header  []byte // also the AAD of every chunk
	h       blobHeader
	buf     []byte
	out     []byte
	nonce   []byte
	counter uint64
	started bool
	closed  bool
	err     error
}

// NewBlobWriter returns a writer that encrypts everything written to it
// with key (DataKeySize bytes) and writes the blob to w. Close must be
// called to write the final chunk; it does not close w.
func NewBlobWriter(w io.Writer, key []byte) (io.WriteCloser, error) {
	var prefix [NoncePrefixSize]byte
	if _, err := rand.Read(prefix[:]); err != nil {
		return nil, err
	}
	return newBlobWriter(w, key, DefaultChunkSize, prefix)
}

func newBlobWriter(w io.Writer, key []byte, chunkSize int, prefix [NoncePrefixSize]byte) (*blobWriter, error) {
	if len(key) != DataKeySize {
		return nil, fmt.Errorf("carecrypto: data key must be %d bytes, got %d", DataKeySize, len(key))
	}
	if chunkSize < MinChunkSize || chunkSize > MaxChunkSize {
		return nil, fmt.Errorf("carecrypto: chunk size %d outside [%d, %d]", chunkSize, MinChunkSize, MaxChunkSize)
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	h := blobHeader{chunkSize: chunkSize, noncePrefix: prefix}
	return &blobWriter{
		w:      w,
		aead:   aead,
		header: h.marshal(),
		h:      h,
		buf:    make([]byte, 0, chunkSize),
		out:    make([]byte, 0, chunkSize+TagSize),
		nonce:  make([]byte, 0, chacha20poly1305.NonceSizeX),
	}, nil
}

func (bw *blobWriter) writeHeader() error {
	if bw.started {
		return nil
	}
	bw.started = true
	_, err := bw.w.Write(bw.header)
	return err
}

// sealChunk encrypts and writes the buffered chunk.
func (bw *blobWriter) sealChunk(last bool) error {
	if bw.counter >= maxChunks {
		return ErrBlobTooLong
	}
	bw.nonce = chunkNonce(bw.nonce, &bw.h.noncePrefix, bw.counter, last)
	bw.out = bw.aead.Seal(bw.out[:0], bw.nonce, bw.buf, bw.header)
	bw.counter++
	bw.buf = bw.buf[:0]
	_, err := bw.w.Write(bw.out)
	return err
}

func (bw *blobWriter) Write(p []byte) (int, error) {
	if bw.err != nil {
		return 0, bw.err
	}
	if bw.closed {
		return 0, errors.New("carecrypto: write after close")
	}
	if bw.err = bw.writeHeader(); bw.err != nil {
		return 0, bw.err
	}
	n := 0
	for len(p) > 0 {
		// A full buffer is sealed only once more data arrives, so that the
		// final chunk is known to be final when it is sealed.
		if len(bw.buf) == cap(bw.buf) {
			if bw.err = bw.sealChunk(false); bw.err != nil {
				return n, bw.err
			}
		}
		c := copy(bw.buf[len(bw.buf):cap(bw.buf)], p)
		bw.buf = bw.buf[:len(bw.buf)+c]
		p = p[c:]
		n += c
	}
	return n, nil
}

// Close seals the final chunk. An empty stream yields one empty final chunk.
func (bw *blobWriter) Close() error {
	if bw.err != nil {
		return bw.err
	}
	if bw.closed {
		return nil
	}
	bw.closed = true
	if bw.err = bw.writeHeader(); bw.err != nil {
		return bw.err
	}
	bw.err = bw.sealChunk(true)
	clear(bw.buf[:cap(bw.buf)])
	return bw.err
}

// blobReader decrypts a blob chunk by chunk.
type blobReader struct {
	r       io.Reader
	aead    cipher.AEAD
	header  []byte
	h       blobHeader
	in      []byte // ciphertext chunk plus one look-ahead byte
	carry   bool   // in[0] holds the look-ahead byte of the previous read
	plain   []byte
	pos     int
	nonce   []byte
	counter uint64
	done    bool
	err     error
}

// NewBlobReader returns a reader of the plaintext of the blob read from r,
// decrypted with key. Every chunk is authenticated before any of its bytes
// are returned; a wrong key, an altered, reordered, truncated or extended
// blob yields an error (ErrBlobAuth, ErrBlobTruncated, ErrBlobFormat)
// instead of data. The header is read on the first Read.
func NewBlobReader(r io.Reader, key []byte) (io.Reader, error) {
	if len(key) != DataKeySize {
		return nil, fmt.Errorf("carecrypto: data key must be %d bytes, got %d", DataKeySize, len(key))
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	return &blobReader{r: r, aead: aead}, nil
}

func (br *blobReader) readHeader() error {
	hb := make([]byte, BlobHeaderSize)
	if _, err := io.ReadFull(br.r, hb); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%w: short header", ErrBlobFormat)
		}
		return err
	}
	h, err := parseBlobHeader(hb)
	if err != nil {
		return err
	}
	br.h, br.header = h, hb
	br.in = make([]byte, h.chunkSize+TagSize+1)
	br.plain = make([]byte, 0, h.chunkSize)
	br.nonce = make([]byte, 0, chacha20poly1305.NonceSizeX)
	return nil
}

// nextChunk reads, authenticates and decrypts the next chunk into plain.
func (br *blobReader) nextChunk() error {
	if br.header == nil {
		if err := br.readHeader(); err != nil {
			return err
		}
	}
	full := br.h.chunkSize + TagSize
	start := 0
	if br.carry {
		start = 1
	}
	n, err := io.ReadFull(br.r, br.in[start:])
	n += start
	switch {
	case err == nil:
		// A byte beyond a full chunk exists: this chunk is not the last.
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		// The stream ended within or right after this chunk.
	default:
		return err
	}
	last := n <= full
	ct := br.in[:min(n, full)]
	if len(ct) < TagSize {
		return ErrBlobTruncated
	}
	if br.counter >= maxChunks {
		return ErrBlobTooLong
	}
	br.nonce = chunkNonce(br.nonce, &br.h.noncePrefix, br.counter, last)
	plain, aerr := br.aead.Open(br.plain[:0], br.nonce, ct, br.header)
	if aerr != nil {
		if last {
			// A stream cut at a chunk boundary ends in a chunk sealed as
			// not-last; say so rather than "altered".
			br.nonce = chunkNonce(br.nonce, &br.h.noncePrefix, br.counter, false)
			if _, e := br.aead.Open(br.plain[:0], br.nonce, ct, br.header); e == nil {
				clear(br.plain[:cap(br.plain)])
				return ErrBlobTruncated
			}
		}
		return fmt.Errorf("%w (chunk %d)", ErrBlobAuth, br.counter)
	}
	br.plain, br.pos = plain, 0
	br.counter++
	if last {
		br.done = true
	} else {
		br.in[0] = br.in[full]
		br.carry = true
	}
	return nil
}

func (br *blobReader) Read(p []byte) (int, error) {
	for br.pos == len(br.plain) {
		if br.err != nil {
			return 0, br.err
		}
		if br.done {
			return 0, io.EOF
		}
		if err := br.nextChunk(); err != nil {
			br.err = err
			br.plain, br.pos = br.plain[:0], 0
			return 0, err
		}
	}
	n := copy(p, br.plain[br.pos:])
	br.pos += n
	return n, nil
}
