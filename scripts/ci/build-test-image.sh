#!/usr/bin/env bash
# Placeholder: the chaos work builds the local test image here.
exit 0
