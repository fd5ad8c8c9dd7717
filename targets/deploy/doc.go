// Package deploy is what the cloud targets (targets/sfn, targets/argo)
// share about a deployment, so both give the same answers: its name
// (//flow:project branches, §7 of the design), names shortened to an
// engine's limits with a hash, the production token that guards a
// deployment against being overwritten by someone who did not create it,
// and a //flow:schedule in the forms the engines take.
//
// It calls no cloud API: a target reads the token recorded with its
// deployment (a Step Functions tag, an Argo annotation) and hands it to
// Tokens.Resolve, which decides whether this deployer may go on.
package deploy
