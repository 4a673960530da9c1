package simulation

import (
	"fmt"
	"math/rand"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	consentkeeper "github.com/carechain/carechain/x/consent/keeper"
	consentsim "github.com/carechain/carechain/x/consent/simulation"
	consenttypes "github.com/carechain/carechain/x/consent/types"
	"github.com/carechain/carechain/x/internal/simutil"
	"github.com/carechain/carechain/x/records/keeper"
	"github.com/carechain/carechain/x/records/types"
	registrykeeper "github.com/carechain/carechain/x/registry/keeper"
	registrytypes "github.com/carechain/carechain/x/registry/types"
)

// Operation weights (keys in a simulation params file) and their defaults.
const (
	OpWeightMsgCreateRecord       = "op_weight_msg_records_create_record"
	OpWeightMsgMarkEnteredInError = "op_weight_msg_records_mark_entered_in_error"
	OpWeightMsgAddKeyEnvelope     = "op_weight_msg_records_add_key_envelope"
	OpWeightMsgRecordAccess       = "op_weight_msg_records_record_access"

	DefaultWeightMsgCreateRecord       = 60
	DefaultWeightMsgMarkEnteredInError = 8
	DefaultWeightMsgAddKeyEnvelope     = 30
	DefaultWeightMsgRecordAccess       = 40
)

// readPurposes are the purposes simulated readers ask for.
var readPurposes = []consenttypes.Purpose{consenttypes.PurposeTreat, consenttypes.PurposeEtreat, consenttypes.PurposeHpaymt,
	consenttypes.PurposeHoperat, consenttypes.PurposeHresch, consenttypes.PurposePubhlth}

// WeightedOperations returns an operation for every records message an
// account signs. MsgUpdateParams is simulated as a governance proposal
// message (ProposalMsgs).
func WeightedOperations(appParams simtypes.AppParams, txGen client.TxConfig, k keeper.Keeper, rk registrykeeper.Keeper,
	ck consentkeeper.Keeper, ks simutil.Keepers,
) []simtypes.WeightedOperation {
	w := func(key string, def int) int { return simutil.Weight(appParams, key, def) }
	s := sim{txGen: txGen, k: k, rk: rk, ck: ck, ks: ks}
	return []simtypes.WeightedOperation{
		simulation.NewWeightedOperation(w(OpWeightMsgCreateRecord, DefaultWeightMsgCreateRecord), s.createRecord),
		simulation.NewWeightedOperation(w(OpWeightMsgMarkEnteredInError, DefaultWeightMsgMarkEnteredInError), s.markEnteredInError),
		simulation.NewWeightedOperation(w(OpWeightMsgAddKeyEnvelope, DefaultWeightMsgAddKeyEnvelope), s.addKeyEnvelope),
		simulation.NewWeightedOperation(w(OpWeightMsgRecordAccess, DefaultWeightMsgRecordAccess), s.recordAccess),
	}
}

type sim struct {
	txGen client.TxConfig
	k     keeper.Keeper
	rk    registrykeeper.Keeper
	ck    consentkeeper.Keeper
	ks    simutil.Keepers
}

func noop(msg sdk.Msg, comment string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	return simutil.NoOp(types.ModuleName, msg, comment)
}

func (s sim) deliver(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, acc simtypes.Account, msg sdk.Msg) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	return simutil.Deliver(r, app, ctx, s.txGen, s.ks, types.ModuleName, acc, msg, nil)
}

// randomRecord returns a random record.
func (s sim) randomRecord(r *rand.Rand, ctx sdk.Context) (types.Record, bool) {
	next, err := s.k.RecordSeq.Peek(ctx)
	if err != nil || next <= 1 {
		return types.Record{}, false
	}
	rec, err := s.k.GetRecord(ctx, 1+uint64(r.Int63n(int64(next-1))))
	return rec, err == nil
}

// canWrite applies x/records' write rule for a provider author: an ACTIVE
// PROVIDER organization, a consent that permits WRITE for TREAT on the
// category (and record), naming the author or one of the author's
// PROVIDER organizations.
func (s sim) canWrite(ctx sdk.Context, author, patient sdk.AccAddress, category string, recordID uint64) bool {
	providers, err := s.rk.ActiveOrganizationsWithRole(ctx, author, registrytypes.RoleProvider)
	if err != nil || len(providers) == 0 {
		return false
	}
	d, err := s.ck.CheckAccess(ctx, consenttypes.AccessRequest{Accessor: author, Patient: patient, Action: consenttypes.ActionWrite,
		Purpose: consenttypes.PurposeTreat, Category: category, RecordID: recordID})
	if err != nil || !d.Permitted() || d.ConsentID == 0 {
		return false
	}
	c, err := s.ck.GetConsent(ctx, d.ConsentID)
	if err != nil {
		return false
	}
	if c.GranteeOrg == "" {
		return true
	}
	for _, org := range providers {
		if org.Id == c.GranteeOrg {
			return true
		}
	}
	return false
}

// providerWriter looks among the patient's ACTIVE consents for one that
// lets a simulation account acting for a PROVIDER organization write, and
// returns that account and a category it may write.
func (s sim) providerWriter(r *rand.Rand, ctx sdk.Context, patient sdk.AccAddress, accs []simtypes.Account) (simtypes.Account, string, bool) {
	type option struct {
		acc      simtypes.Account
		category string
	}
	var options []option
	rng := collections.NewSuperPrefixedTripleRange[sdk.AccAddress, int32, uint64](patient, int32(consenttypes.ConsentStatusActive))
	_ = s.ck.ConsentsByPatientStatus.Walk(ctx, rng, func(key collections.Triple[sdk.AccAddress, int32, uint64]) (bool, error) {
		c, err := s.ck.GetConsent(ctx, key.K3())
		if err != nil || c.Decision != consenttypes.DecisionPermit {
			return false, nil
		}
		category := simutil.Pick(r, consentsim.Categories)
		if len(c.Categories) > 0 {
			category = simutil.Pick(r, c.Categories)
		}
		if !c.Covers(consenttypes.ActionWrite, consenttypes.PurposeTreat, category, 0) {
			return false, nil
		}
		var authors []simtypes.Account
		if c.GranteeOrg != "" {
			authors = simutil.MembersOf(ctx, s.rk, c.GranteeOrg, accs)
		} else if addr, err := s.k.AddressCodec().StringToBytes(c.Grantee); err == nil {
			if acc, ok := simtypes.FindAccount(accs, sdk.AccAddress(addr)); ok {
				authors = append(authors, acc)
			}
		}
		for _, a := range authors {
			if !a.Address.Equals(patient) && s.canWrite(ctx, a.Address, patient, category, 0) {
				options = append(options, option{acc: a, category: category})
			}
		}
		return len(options) >= 20, nil
	})
	if len(options) == 0 {
		return simtypes.Account{}, "", false
	}
	o := simutil.Pick(r, options)
	return o.acc, o.category, true
}

// isCustodian reports whether signer is an active member of the record's
// custodian organization.
func (s sim) isCustodian(ctx sdk.Context, rec types.Record, signer sdk.AccAddress) bool {
	if rec.CustodianOrg == "" {
		return false
	}
	ok, err := s.rk.IsActiveMember(ctx, rec.CustodianOrg, signer)
	return err == nil && ok
}

func randomEnvelopeKeys(r *rand.Rand) (ephemeral, wrapped []byte) {
	ephemeral = make([]byte, types.X25519KeyLength)
	_, _ = r.Read(ephemeral)
	ephemeral[0] |= 1
	wrapped = make([]byte, 48)
	_, _ = r.Read(wrapped)
	return ephemeral, wrapped
}

func (s sim) createRecord(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgCreateRecord{}
	params, err := s.k.Params.Get(ctx)
	if err != nil {
		return noop(msg, err.Error())
	}
	patient, _ := simtypes.RandomAcc(r, accs)
	author, category := patient, simutil.Pick(r, consentsim.Categories)
	if r.Intn(3) != 0 {
		// A provider the patient's consent permits to write.
		if a, c, ok := s.providerWriter(r, ctx, patient.Address, accs); ok {
			author, category = a, c
		}
	}
	selfWritten := author.Address.Equals(patient.Address)
	if r.Intn(3) == 0 {
		// A new version of one of the patient's CURRENT records of the
		// category that the author may supersede.
		var prevs []types.Record
		rng := collections.NewSuperPrefixedQuadRange3[sdk.AccAddress, string, int32, uint64](patient.Address, category, int32(types.RecordStatusCurrent))
		_ = s.k.RecordsByPatientCategoryStatus.Walk(ctx, rng, func(key collections.Quad[sdk.AccAddress, string, int32, uint64]) (bool, error) {
			prev, err := s.k.GetRecord(ctx, key.K4())
			if err == nil && (selfWritten || s.isCustodian(ctx, prev, author.Address) && s.canWrite(ctx, author.Address, patient.Address, category, prev.Id)) {
				prevs = append(prevs, prev)
			}
			return len(prevs) >= 20, nil
		})
		if len(prevs) > 0 {
			msg.Supersedes = simutil.Pick(r, prevs).Id
		}
	}
	msg.Author, msg.Patient, msg.Category = author.Address.String(), patient.Address.String(), category
	msg.CiphertextHash, msg.ContentCommitment = simutil.RandomHash(r), simutil.RandomHash(r)
	if has, err := s.k.RecordsByHash.Has(ctx, mustHashBytes(msg.CiphertextHash)); err != nil || has || msg.CiphertextHash == msg.ContentCommitment {
		return noop(msg, "ciphertext hash already anchored")
	}
	msg.SizeBytes = 1 + uint64(r.Int63n(int64(min(params.MaxSizeBytes, 1<<30))))
	msg.Locator = fmt.Sprintf("vault://vault.sim.example/blobs/%s", msg.CiphertextHash)
	// Envelopes for the patient and the author, who may always read.
	recipients := []simtypes.Account{patient}
	if !selfWritten {
		recipients = append(recipients, author)
	}
	for _, rcp := range recipients {
		if r.Intn(3) == 0 || uint32(len(msg.KeyEnvelopes)) >= params.MaxInitialEnvelopes {
			continue
		}
		eph, wrapped := randomEnvelopeKeys(r)
		msg.KeyEnvelopes = append(msg.KeyEnvelopes, types.NewKeyEnvelope{Recipient: rcp.Address.String(),
			Scheme: types.SchemeHPKEX25519V1, EphemeralPublicKey: eph, WrappedKey: wrapped})
	}
	return s.deliver(r, app, ctx, author, msg)
}

func mustHashBytes(h string) []byte {
	bz, err := types.HashBytes(h)
	if err != nil {
		panic(err)
	}
	return bz
}

func (s sim) markEnteredInError(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgMarkEnteredInError{}
	rec, ok := s.randomRecord(r, ctx)
	if !ok || rec.Status == types.RecordStatusEnteredInError {
		return noop(msg, "no record to mark")
	}
	var signers []simtypes.Account
	if addr, err := s.k.AddressCodec().StringToBytes(rec.Patient); err == nil {
		if acc, ok := simtypes.FindAccount(accs, sdk.AccAddress(addr)); ok {
			signers = append(signers, acc)
		}
	}
	if rec.CustodianOrg != "" {
		if org, err := s.rk.GetOrganization(ctx, rec.CustodianOrg); err == nil && org.IsActive() {
			signers = append(signers, simutil.MembersOf(ctx, s.rk, rec.CustodianOrg, accs)...)
		}
	}
	if len(signers) == 0 {
		return noop(msg, "no patient or custodian member")
	}
	signer := simutil.Pick(r, signers)
	if signer.Address.String() != rec.Patient && !s.isCustodian(ctx, rec, signer.Address) {
		return noop(msg, "not the patient or an active custodian member")
	}
	msg.Signer, msg.RecordId = signer.Address.String(), rec.Id
	return s.deliver(r, app, ctx, signer, msg)
}

func (s sim) addKeyEnvelope(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgAddKeyEnvelope{}
	params, err := s.k.Params.Get(ctx)
	if err != nil {
		return noop(msg, err.Error())
	}
	rec, ok := s.randomRecord(r, ctx)
	if !ok {
		return noop(msg, "no records")
	}
	if n, err := s.k.EnvelopeCounts.Get(ctx, rec.Id); err == nil && n >= params.MaxEnvelopesPerRecord {
		return noop(msg, "record at the envelope limit")
	}
	// The signer: the patient or the author.
	var signers []simtypes.Account
	for _, a := range []string{rec.Patient, rec.Author} {
		if addr, err := s.k.AddressCodec().StringToBytes(a); err == nil {
			if acc, ok := simtypes.FindAccount(accs, sdk.AccAddress(addr)); ok {
				signers = append(signers, acc)
			}
		}
	}
	if len(signers) == 0 {
		return noop(msg, "no patient or author account")
	}
	signer := simutil.Pick(r, signers)
	// The recipient: mostly an account x/consent permits to READ the
	// record; else the patient or the author.
	purpose := simutil.Pick(r, readPurposes)
	var recipient sdk.AccAddress
	for range 5 {
		cand, _ := simtypes.RandomAcc(r, accs)
		if has, err := s.k.Envelopes.Has(ctx, collections.Join(rec.Id, cand.Address)); err != nil || has {
			continue
		}
		if a := cand.Address.String(); a == rec.Patient || a == rec.Author {
			recipient = cand.Address
			break
		}
		d, err := s.k.CheckRecordAccess(ctx, cand.Address, rec.Id, consenttypes.ActionRead, purpose)
		if err == nil && d.Permitted() {
			recipient = cand.Address
			break
		}
	}
	if recipient == nil {
		for _, a := range []string{rec.Patient, rec.Author} {
			addr, err := s.k.AddressCodec().StringToBytes(a)
			if err != nil {
				continue
			}
			if has, err := s.k.Envelopes.Has(ctx, collections.Join(rec.Id, sdk.AccAddress(addr))); err == nil && !has {
				recipient = addr
				break
			}
		}
	}
	if recipient == nil {
		return noop(msg, "no permitted recipient without an envelope")
	}
	eph, wrapped := randomEnvelopeKeys(r)
	msg.Signer, msg.RecordId, msg.Recipient, msg.Purpose = signer.Address.String(), rec.Id, recipient.String(), purpose
	msg.Scheme, msg.EphemeralPublicKey, msg.WrappedKey = types.SchemeHPKEX25519V1, eph, wrapped
	return s.deliver(r, app, ctx, signer, msg)
}

func (s sim) recordAccess(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	msg := &types.MsgRecordAccess{}
	rec, ok := s.randomRecord(r, ctx)
	if !ok {
		return noop(msg, "no records")
	}
	purpose := simutil.Pick(r, readPurposes)
	// Mostly a reader x/consent permits (a grantee, a break-glass
	// accessor); else the patient.
	var accessor simtypes.Account
	found := false
	for range 5 {
		cand, _ := simtypes.RandomAcc(r, accs)
		d, err := s.k.CheckRecordAccess(ctx, cand.Address, rec.Id, consenttypes.ActionRead, purpose)
		if err == nil && d.Permitted() {
			accessor, found = cand, true
			break
		}
	}
	if !found {
		addr, err := s.k.AddressCodec().StringToBytes(rec.Patient)
		if err != nil {
			return noop(msg, err.Error())
		}
		if accessor, found = simtypes.FindAccount(accs, sdk.AccAddress(addr)); !found {
			return noop(msg, "patient is not a simulation account")
		}
	}
	msg.Accessor, msg.RecordId, msg.Purpose = accessor.Address.String(), rec.Id, purpose
	return s.deliver(r, app, ctx, accessor, msg)
}
