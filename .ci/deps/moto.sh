#!/bin/sh
# moto's S3 server (python3 -m moto.server), for the S3 datastore tests
# (internal/testenv/s3test). It is on the machine image, so this only
# checks it; where it is missing: pip install 'moto[server]'.
if ! python3 -c 'import moto.server' 2>/dev/null; then
	echo "moto: python3 -m moto.server is not available; pip install 'moto[server]'" >&2
	exit 1
fi
echo "moto $(python3 -c 'import moto; print(moto.__version__)'): python3 -m moto.server"
