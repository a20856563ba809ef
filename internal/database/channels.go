package database

// The NOTIFY channels on which the database's triggers announce changes
// to what the instances keep in memory (see Listener). Their names are
// fixed by the migrations that send them.
const (
	// ContentChannel: the published modules and lessons changed
	// (migration 005); the payload is the table's name.
	ContentChannel = "nabij_content"
	// SessionChannel: a person's sessions or account changed, payload the
	// user id, or an organisation changed, payload empty (migration 006).
	SessionChannel = "nabij_session"
	// ProgressChannel: a person's lesson progress changed, payload the
	// user id (migration 006).
	ProgressChannel = "nabij_progress"
	// DashboardChannel: anything else a learner's dashboard shows changed,
	// payload the user id, or empty for everyone (migration 160).
	DashboardChannel = "nabij_dashboard"
	// OrgChannel: something the manager dashboard counts changed in an
	// organisation, payload its id, or empty for all (migration 160).
	OrgChannel = "nabij_org"
)
