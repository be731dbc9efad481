/*
 * check_main.c - every unit suite in one runner
 *
 * DESCRIPTION
 *	Each tests/unit/check_MODULE.c exports Suite *suite_MODULE(void);
 *	add it to the table below.  CK_RUN_SUITE and CK_RUN_CASE select a
 *	subset, and CK_FORK=no runs everything in one process (for
 *	valgrind).  The runner speaks as hi-q: the lines the suites read
 *	back start with "hi-q: ", and an allocation that fails exits 51.
 */
#include <stdlib.h>

#include <check.h>

#include "check_suites.h"
#include "msg.h"
#include "qq.h"

int
main(void)
{
	Suite *(*const suites[])(void) = {
		suite_buf,
		suite_conf,
		suite_envelope,
		suite_outcome,
		suite_rule,
		suite_msg,
		suite_logfmt,
		suite_pidfile,
		suite_zone,
		suite_pump,
		suite_logline,
		suite_lines,
		suite_tally,
		suite_number,
		suite_user,
		suite_plan,
		suite_judge,
		suite_spawn,
		suite_deadline,
		suite_spool,
		suite_procfd,
		suite_milter_codec,
		suite_milter_head,
		suite_milter_session,
		suite_milter_edit,
		suite_qenv,
	};
	SRunner *sr;
	size_t i;
	int failed;

	msg_setup("hi-q", QQ_OOM);
	sr = srunner_create(NULL);
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
