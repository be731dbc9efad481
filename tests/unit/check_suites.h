/* check_suites.h - the unit suites, one per module (see check_main.c) */
#ifndef HIQ_CHECK_SUITES_H
#define HIQ_CHECK_SUITES_H

#include <check.h>

struct conf;

Suite	*suite_buf(void);
Suite	*suite_conf(void);
Suite	*suite_envelope(void);
Suite	*suite_verdict(void);
Suite	*suite_log(void);
Suite	*suite_pidfile(void);
Suite	*suite_zone(void);
Suite	*suite_pump(void);
Suite	*suite_logline(void);
Suite	*suite_lines(void);
Suite	*suite_tally(void);
Suite	*suite_number(void);
Suite	*suite_user(void);
Suite	*suite_plan(void);
Suite	*suite_judge(void);
Suite	*suite_spawn(void);
Suite	*suite_deadline(void);
Suite	*suite_spool(void);
Suite	*suite_procfd(void);
Suite	*suite_milter_codec(void);
Suite	*suite_milter_head(void);
Suite	*suite_milter_session(void);
Suite	*suite_milter_edit(void);

/* Shared by the suites. */
struct conf	*check_conf_text(const char *);

#endif /* HIQ_CHECK_SUITES_H */
