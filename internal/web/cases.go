package web

// registerCaseRoutes adds the /api routes for interdiction cases opened from alerts.
func (s *Server) registerCaseRoutes() {}
