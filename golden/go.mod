module github.com/flowc-dev/flowc/golden

go 1.26.8

require github.com/flowc-dev/flowc v0.0.0

require (
	github.com/alecthomas/kong v1.17.0 // indirect
	github.com/klauspost/compress v1.20.3 // indirect
)

replace github.com/flowc-dev/flowc => ..
