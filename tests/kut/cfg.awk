# SPDX-License-Identifier: GPL-2.0
# cfg.awk - read kvm-unit-tests' x86/unittests.cfg and print one line per
# entry, its fields separated by tabs ("-" for none):
#   name file smp test_args qemu_params arch groups accel timeout check
# The cfg's """ multi-line values are joined with spaces.
function flush() {
	if (name != "")
		printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name,
			dash(v["file"]), v["smp"], dash(v["test_args"]),
			dash(v["qemu_params"] v["extra_params"]), dash(v["arch"]),
			dash(v["groups"]), dash(v["accel"]), dash(v["timeout"]),
			dash(v["check"])
	split("", v)
	v["smp"] = 1
}
function dash(s) { return s == "" ? "-" : s }
BEGIN { split("", v); v["smp"] = 1 }
/^[ \t]*#/ { next }
ml != "" {
	if (sub(/"""[ \t]*$/, "")) { v[ml] = v[ml] " " $0; ml = ""; next }
	v[ml] = v[ml] " " $0
	next
}
/^\[.*\]/ { flush(); name = substr($0, 2, index($0, "]") - 2); next }
/^[a-z_]+[ \t]*=/ {
	key = $0; sub(/[ \t]*=.*/, "", key)
	val = $0; sub(/^[^=]*=[ \t]*/, "", val)
	if (val ~ /^"""/) { ml = key; v[key] = substr(val, 4); next }
	v[key] = val
}
END {
	flush()
}
