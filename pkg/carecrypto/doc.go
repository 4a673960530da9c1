// Package carecrypto is Carechain's client-side encryption: the format of
// the encrypted blobs kept by the off-chain vault, the key envelopes that
// wrap a document's data key to each reader, and the derivation of every
// account's X25519 encryption key from its wallet signature.
//
// Only standard constructions from maintained libraries are used:
// XChaCha20-Poly1305 (golang.org/x/crypto/chacha20poly1305) in the STREAM
// construction of Hoang, Reyhanitabar, Rogaway and Vizár for blobs; HPKE
// (RFC 9180, crypto/hpke) for envelopes; HKDF-SHA256 (RFC 5869,
// crypto/hkdf) for key derivation; ADR-036 secp256k1 signatures
// (pkg/adr036) as the derivation's input.
//
// # Blob (scheme byte 0x01, format version 1)
//
//	offset  size  field
//	0       6     magic "CCBLOB" (43 43 42 4c 4f 42)
//	6       1     format version = 0x01
//	7       1     scheme = 0x01: XChaCha20-Poly1305 STREAM
//	8       4     chunk size C, uint32 big-endian (plaintext bytes per chunk;
//	              writers use 65536, readers accept 64..1048576)
//	12      19    nonce prefix (random per blob)
//	31      ...   chunks
//
// The plaintext P (the plaintext envelope, below) is cut into chunks of C
// bytes; the last chunk holds the remaining 1..C bytes (0 only when P is
// empty), so a P whose length is a multiple of C ends in a full chunk.
// Chunk i (counting from 0) is stored as
//
//	XChaCha20-Poly1305-Seal(key = data key,
//	    nonce = nonce prefix ‖ uint32_be(i) ‖ (0x01 if last else 0x00),
//	    aad = the 31 header bytes, plaintext = chunk i)
//
// that is, the chunk's ciphertext followed by its 16-byte tag. A reader
// knows a chunk is the last by reaching the end of the blob; the flag in
// the nonce makes truncation at a chunk boundary, reordering and extension
// fail authentication, and the header in the AAD binds chunk size and
// prefix. At most 2^32 chunks (256 TiB at C = 64 KiB).
//
// # Plaintext envelope and commitment
//
//	P = salt (32 random bytes) ‖ document
//	content_commitment = lowercase hex SHA-256(salt ‖ document)
//	ciphertext_hash    = lowercase hex SHA-256(blob, header included)
//
// The salt keeps the commitment from confirming guesses about a
// low-entropy document. The data key is 32 random bytes, fresh for every
// document.
//
// # Key envelope (scheme "carechain-hpke-x25519-v1")
//
// HPKE base mode, DHKEM(X25519, HKDF-SHA256) (KEM id 0x0020), HKDF-SHA256
// (KDF 0x0001), ChaCha20-Poly1305 (AEAD 0x0003), single-shot:
//
//	info = "carechain-hpke-x25519-v1" (the scheme name, ASCII)
//	aad  = the 32 raw bytes of the blob's SHA-256 (hex-decoded ciphertext_hash)
//	enc, ct = SealBase(pkR = recipient's X25519 key, info, aad, pt = data key)
//	Envelope{scheme, ephemeral_public_key = enc (32 bytes), wrapped_key = ct (48 bytes)}
//
// This is the construction x/records specifies for the scheme id. The aad
// binds the envelope to its blob, so an envelope copied to another
// record does not open there. ChaCha20-Poly1305 rather than AES-GCM because
// it is constant-time in software, where browser wallets run.
//
// # Encryption key derivation
//
//	sign_bytes = ADR-036 sign doc (pkg/adr036) of EncryptionKeyMessage, signer = the account
//	sig        = secp256k1 signature of sign_bytes (64 bytes r‖s, low-s, RFC 6979)
//	x25519_sk  = HKDF-SHA256(ikm = sig, salt = "carechain/x25519-from-adr036/v1",
//	                         info = "carechain x25519 private key", L = 32)
//	x25519_pk  = X25519(x25519_sk, 9)  — published with `tx registry set-encryption-key`
//
// A browser wallet gets sig from signArbitrary(chainId, address,
// EncryptionKeyMessage). testdata/vectors.json has worked examples of all
// of the above; README.md explains them.
package carecrypto
