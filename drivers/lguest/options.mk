# SPDX-License-Identifier: GPL-2.0
# options.mk - our bool Kconfig options for builds out of tree (M=), where
# the kernel's autoconf.h knows nothing of them.  The one list is the
# Kconfig files: every "config" or "menuconfig" of type bool in
# drivers/lguest/Kconfig and drivers/lguest_dev/Kconfig.  Out of tree each
# is y unless the make command line says otherwise
# (make modules CONFIG_LGUEST_DEV_NET=n), and off if a kernel symbol of its
# "depends on" is not y or m in the kernel built against (as Kconfig would).
# Included by both Kbuild files (out of tree only) and by the top Makefile
# (make kconfig-options lists the names).  Sets:
#   LGUEST_KCONFIG_OPTIONS   the option names, CONFIG_ prefix left off
#   lg-opt-cflags            -DCONFIG_X=1 for each option on (so
#                            IS_ENABLED() works), when KBUILD_EXTMOD is set;
#                            CONFIG_X is then y or n for Kbuild's lists.

lg-opt-dir := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

# One "NAME:DEP,DEP" per bool option, its plain "A && B" dependencies; a
# dependency Make cannot evaluate (||, !, =, parentheses) is an error here.
lg-opt-table := $(shell awk ' \
	/^(menu)?config[ \t]/ { n = $$2; h = 0; next } \
	/^(menu|endmenu|comment|choice|endchoice|if|endif|source)([ \t]|$$)/ { n = ""; h = 0; next } \
	/^[ \t]+(help|---help---)[ \t]*$$/ { h = 1; next } \
	h { next } \
	/^[ \t]+bool([ \t]|$$)/ && n != "" { o[++k] = n } \
	/^[ \t]+depends on[ \t]/ && n != "" { s = $$0; sub(/^[ \t]+depends on[ \t]+/, "", s); d[n] = d[n] " " s } \
	END { for (i = 1; i <= k; i++) { s = d[o[i]]; \
		if (s ~ /[|!=<>()]/) { print "BAD:" o[i]; continue } \
		gsub(/&&/, " ", s); gsub(/^[ \t]+|[ \t]+$$/, "", s); gsub(/[ \t]+/, ",", s); \
		print o[i] ":" s } }' \
	$(lg-opt-dir)/Kconfig $(lg-opt-dir)/../lguest_dev/Kconfig)

ifneq ($(filter BAD:%,$(lg-opt-table)),)
$(error lguest: $(patsubst BAD:%,%,$(filter BAD:%,$(lg-opt-table))): options.mk takes only "depends on A && B")
endif
ifeq ($(lg-opt-table),)
$(error lguest: no options found in $(lg-opt-dir)/Kconfig)
endif

lg-opt-comma := ,
lg-opt-name = $(firstword $(subst :, ,$(1)))
lg-opt-deps = $(subst $(lg-opt-comma), ,$(word 2,$(subst :, ,$(1))))

LGUEST_KCONFIG_OPTIONS := $(foreach e,$(lg-opt-table),$(call lg-opt-name,$(e)))

ifneq ($(KBUILD_EXTMOD),)
# lg-opt-value NAME, DEPS: y or n.
lg-opt-unmet = $(strip $(foreach d,$(2),$(if $(filter y m,$(CONFIG_$(d))),,$(d))))
lg-opt-value = $(strip \
	$(if $(filter-out y n,$(or $(CONFIG_$(1)),y)), \
		$(error lguest: CONFIG_$(1)=$(CONFIG_$(1)): a bool option is y or n)) \
	$(if $(filter n,$(CONFIG_$(1))),n, \
		$(if $(call lg-opt-unmet,$(1),$(2)), \
			$(if $(filter y,$(CONFIG_$(1))), \
				$(info lguest: CONFIG_$(1) off: this kernel has no CONFIG_$(call lg-opt-unmet,$(1),$(2))))n,y)))

$(foreach e,$(lg-opt-table),$(eval override CONFIG_$(call lg-opt-name,$(e)) := \
	$(call lg-opt-value,$(call lg-opt-name,$(e)),$(call lg-opt-deps,$(e)))))

lg-opt-cflags := $(foreach o,$(LGUEST_KCONFIG_OPTIONS),$(if $(filter y,$(CONFIG_$(o))),-DCONFIG_$(o)=1))
endif
