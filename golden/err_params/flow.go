package bad

import (
	"context"
	"time"
)

//flow:flow
type BadParams struct {
	//flow:param
	MaxWorkers int
	//flow:param name=tag
	Tags []string
	//flow:param
	Ch chan int
	//flow:param default=abc
	Count int
	//flow:param default=300
	Small uint8
	//flow:param default=5x
	Wait time.Duration
	//flow:includefile
	Data int
	//flow:param name=count
	Other int
	//flow:param
	secret string
	// What a cloud task's definition sets (FLOWC_PARAMETERS).
	//flow:param
	Parameters string
}

//flow:step
//flow:next End
func (f *BadParams) Start(ctx context.Context) error {
	return nil
}

//flow:step
func (f *BadParams) End(ctx context.Context) error {
	return nil
}
