/* check_suites.h - the unit suites, one per module (see check_main.c) */
#ifndef HIQ_CHECK_SUITES_H
#define HIQ_CHECK_SUITES_H

#include <stdio.h>

#include <check.h>

struct conf;

Suite	*suite_buf(void);
Suite	*suite_conf(void);
Suite	*suite_envelope(void);
Suite	*suite_outcome(void);
Suite	*suite_rule(void);
Suite	*suite_msg(void);
Suite	*suite_logfmt(void);
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
Suite	*suite_qenv(void);

/* Shared by the suites. */
struct conf	*check_conf_text(const char *);

/* fd 2 captured in a temporary file (check_msg.c). */
struct check_capture {
	int	 saved;		/* the real fd 2 */
	FILE	*fp;		/* where fd 2 points meanwhile */
};

void		 check_capture_start(struct check_capture *);
char		*check_capture_end(struct check_capture *);

#endif /* HIQ_CHECK_SUITES_H */
