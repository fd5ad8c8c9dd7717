package main

import (
	"context"

	"github.com/flowc-dev/flowc/rt"
)

var _ rt.Failure

//flow:flow
//flow:image name=python:3.12
//flow:schedule cron="0 10 * * ? *" timezone=Europe/Paris
//flow:project name=demo
type Decorated struct {
	Failed *rt.Failure
}

//flow:step
//flow:next Train
//flow:retry
//flow:timeout minutes=2 seconds=30
//flow:env B=2 A="x y"
func (f *Decorated) Start(ctx context.Context) error {
	return nil
}

//flow:step
//flow:next End
//flow:catch var=Failed
//flow:retry times=5 minutes_between=0
//flow:resources cpu=4 memory=16000 gpu=1 disk=1024
//flow:batch queue=gpu image=train:1 iam_role=arn:aws:iam::1:role/x
//flow:kubernetes image=train:2 namespace=ml service_account=trainer
func (f *Decorated) Train(ctx context.Context) error {
	panic("boom")
}

//flow:step
func (f *Decorated) End(ctx context.Context) error {
	return nil
}
